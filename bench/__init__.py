"""The demo dataset generator and the load benchmark (``make bench``)."""
