import Foundation

exit(CommandLineInterface.run(arguments: Array(CommandLine.arguments.dropFirst())))
