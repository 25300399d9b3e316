"""Operations: the background worker's job registry, job administration, retention of finished
jobs."""
