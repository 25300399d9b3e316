"""The annotator loop: assignments (a task leased to one annotator), gold served blind, overlap
decisions after each answer, test-mode completion."""
