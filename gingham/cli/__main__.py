import sys

from gingham.cli.main import main

main(sys.argv[1:])
