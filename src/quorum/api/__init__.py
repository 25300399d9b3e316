"""HTTP faces: the native API under `/api/` (and, later, Scale's v1 under `/v1/`)."""
