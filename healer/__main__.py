from healer.main import main

raise SystemExit(main())
