import sys

from rrec_pipeline.cli import main

sys.exit(main())
