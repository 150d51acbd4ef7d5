"""Scale data and benchmarks: seed_scale fills a scratch database, run measures pages."""
