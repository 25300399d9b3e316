"""Operations: what the background worker runs (its job registry, callback delivery), job
administration, and retention of finished jobs."""
