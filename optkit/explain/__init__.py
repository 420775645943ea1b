"""The worked solution and the small summaries the tables show (computed here; renderers only lay out)."""
