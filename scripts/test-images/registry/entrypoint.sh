#!/bin/sh
# As the official registry image: a config file path runs `registry serve FILE`; registry
# subcommands/flags run `registry ...`; anything else is executed as given.
set -e
case "${1:-}" in
  *.yaml|*.yml) set -- /bin/registry serve "$@" ;;
  serve|garbage-collect|help|-*) set -- /bin/registry "$@" ;;
esac
exec "$@"
