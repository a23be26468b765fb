# llsearch: `make run` serves the API with an embedded engine and demo data; `make test` runs the suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
LLSEARCH := $(VENV)/bin/llsearch
STAMP := $(VENV)/.installed
PLUGIN_CFGS := $(wildcard plugins/*/setup.cfg)
APT_GET := $(if $(filter 0,$(shell id -u)),apt-get,sudo apt-get)

.PHONY: install run test system-deps launcher demo-data clean-data help

help:
	@echo "make run      serve the API on http://127.0.0.1:8080 with the embedded engine and demo data"
	@echo "make test     run the whole test suite against a real engine and Redis"
	@echo "make install  prepare .venv (package, plugins, engine launcher) without starting anything"

install: $(STAMP) launcher

$(STAMP): setup.cfg pyproject.toml $(PLUGIN_CFGS) | system-deps
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip setuptools wheel
	$(PY) -m pip install -q -e '.[test]'
	@for plugin in $(dir $(PLUGIN_CFGS)); do echo "installing plugin $$plugin"; $(PY) -m pip install -q -e "$$plugin[test]"; done
	touch $(STAMP)

# Debian packages the project needs: the JDK and Maven for the engine launcher, Redis for jobs and tests.
system-deps:
	@missing=""; \
	command -v java >/dev/null || missing="$$missing openjdk-17-jdk-headless"; \
	command -v mvn >/dev/null || missing="$$missing maven"; \
	command -v redis-server >/dev/null || missing="$$missing redis-server"; \
	command -v prometheus >/dev/null || missing="$$missing prometheus"; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  $(APT_GET) update -qq && DEBIAN_FRONTEND=noninteractive $(APT_GET) install -y -qq $$missing; \
	fi

launcher: $(STAMP)
	$(LLSEARCH) engine build

run: install
	$(LLSEARCH) engine start
	$(LLSEARCH) demo-data --count 500 --if-empty
	@echo ""
	@echo "llsearch is starting on http://127.0.0.1:8080"
	@echo "  try: curl -s 'http://127.0.0.1:8080/readyz'"
	@echo "  a key: KEY=\$$($(LLSEARCH) apikey create --name me --role psa | tail -1)"
	@echo "  then:  curl -s -H \"Authorization: Bearer \$$KEY\" 'http://127.0.0.1:8080/api/lessons-learned?search=rollback'"
	@echo "  API docs: http://127.0.0.1:8080/api/docs"
	@echo ""
	$(LLSEARCH) serve

test: install
	$(PY) -m pytest -p no:cacheprovider --cov=llsearch --cov-report=term-missing:skip-covered --cov-fail-under=90 tests $(wildcard plugins/*/tests)

clean-data:
	-$(LLSEARCH) engine stop
	rm -rf var

# Benchmarks (bench/README.md): each run starts its own engine and gunicorn on free ports in a temp dir.
.PHONY: bench-quick bench
bench-quick: install  ## 10,000 lessons, the specification's load test (under 5 minutes)
	$(PY) -m bench run --size 10000 --profile quick

bench: install  ## 100,000 and 1,000,000 lessons, full profile with the what-if experiments
	$(PY) -m bench run --size 100000 --size 1000000 --profile full --heap 2g
