import RigorCommands

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@main
struct Rigor {
    static func main() async {
        signal(SIGPIPE, SIG_IGN)
        await RigorCommand.start()
    }
}
