"""Use cases: plain functions taking a session and explicit arguments.

One transaction per use case, committed here at the service boundary and never inside helpers.
Services know the database, task types, the quality engine, formats and jobs; never HTTP.
"""
