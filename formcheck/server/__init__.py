"""`formcheck serve`: the web service where athletes upload from their phone and coaches review.

A thin web layer over the library API (`formcheck.pipeline`), in the application layer beside
`batch.py` and `live.py`; the core never imports it.
"""
