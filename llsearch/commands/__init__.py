"""Sub-commands of `llsearch`, one module per command group."""

from llsearch.commands.apikey import apikey
from llsearch.commands.demo import demo_data
from llsearch.commands.engine import engine
from llsearch.commands.serve import serve

COMMANDS = [apikey, engine, serve, demo_data]
