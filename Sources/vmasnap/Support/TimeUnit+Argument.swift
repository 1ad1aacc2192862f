import ArgumentParser
import VMASnap

/// `--time-unit s|ms|us|ns`.
extension TimeUnit: ExpressibleByArgument {}
