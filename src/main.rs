fn main() -> std::process::ExitCode {
    chainlab::cli::main()
}
