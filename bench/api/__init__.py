"""The API benchmark: a generated PostgreSQL dataset, a naive DRF baseline, the floor (bench/README.md)."""
