"""Demo data seeded by `quorum demo`: projects, sample tasks and local media."""
