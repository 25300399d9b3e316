"""The people doing the work: annotator records and blocking, skill refits, project groups, Scale
Studio teams and project memberships, dashboards, an annotator's own work."""
