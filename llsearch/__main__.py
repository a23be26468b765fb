"""`python -m llsearch` is the `llsearch` command."""

from llsearch.cli import main

main()
