from healer.start import run

raise SystemExit(run())
