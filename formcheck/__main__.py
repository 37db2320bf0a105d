"""`python -m formcheck`: the same as the `formcheck` command."""

from formcheck.cli import main

main()
