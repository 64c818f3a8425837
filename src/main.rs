// jemalloc, with transparent huge pages compiled into its options
// (`.cargo/config.toml`): a large run touches its per-node tables at random, and with
// 4 KiB pages most of those touches also miss the TLB (docs/performance.md). No result
// depends on the allocator.
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> std::process::ExitCode {
    chainlab::cli::main()
}
