from peerfind.cli import main

main()
