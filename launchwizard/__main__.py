from launchwizard.cli import main

raise SystemExit(main())
