"""bench/sanitize: pages per second of PDF sanitize (rebuild, raster) against mat2."""
