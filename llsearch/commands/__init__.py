"""Sub-commands of `llsearch`, one module per command group."""

from llsearch.commands.engine import engine
from llsearch.commands.serve import serve

COMMANDS = [engine, serve]
