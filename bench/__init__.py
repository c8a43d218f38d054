"""Performance benchmark of learnapp: a data generator, a bench-only app and a load runner.

`python -m bench.generate` fills a database at committee scale; `python -m bench.run` serves it
with gunicorn on 127.0.0.1 and measures every target of issue 8 (see bench/README.md).
"""
