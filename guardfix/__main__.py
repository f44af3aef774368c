from guardfix.cli import run

run()
