"""llsearch benchmarks: load N lessons, then time the HTTP service and the raw engine side by side.

Run `python -m bench run --size 10000 --profile quick` (or `make bench-quick`); see bench/README.md.
"""
