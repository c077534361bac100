from invokelint.cli import main

raise SystemExit(main())
