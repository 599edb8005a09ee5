from peerfind.entry import main

main()
