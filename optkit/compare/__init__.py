"""Comparing methods: sweeps of methods × problems × starts, honest outcomes, performance and
data profiles, the SQLite results database with resume, local and Dask executors."""
