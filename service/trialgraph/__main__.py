"""`python -m trialgraph`: the trialgraph command."""

from trialgraph.cli import main

main()
