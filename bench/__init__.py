"""Benchmarks of ``survey`` on real servers: voters over HTTP, the tally, the close, the PDFs.

``python -m bench --help`` lists the commands; ``docs/performance.md`` has the figures.
Nothing here is imported by the app or by its tests except ``tests/test_bench.py``.
"""
