"""Sub-commands of `llsearch`, one module per command group."""

from llsearch.commands.apikey import apikey
from llsearch.commands.archive import archive
from llsearch.commands.audit import audit
from llsearch.commands.backup import backup
from llsearch.commands.demo import demo_data
from llsearch.commands.engine import engine
from llsearch.commands.jobs import scheduler, worker
from llsearch.commands.keys import keys
from llsearch.commands.plugins import plugins
from llsearch.commands.reindex import reindex
from llsearch.commands.serve import serve
from llsearch.commands.transfer import export_command, import_command

COMMANDS = [apikey, audit, engine, keys, serve, demo_data, import_command, export_command, plugins, worker, scheduler]
COMMANDS += [archive, backup, reindex]
