import sys

from xlcap.cli import main

sys.exit(main())
