// What Process costs over the bare system calls: fork + _exit + waitpid against
// Process::start() + join() of an empty target (stdio flush, pidfd_open, ppoll, waitid). Both
// run in one invocation, and the ratio of their per-iteration real times is printed at the end.
#include <benchmark/benchmark.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "startjoin/process.hpp"

namespace {

void BM_RawForkWaitpid(benchmark::State& state) {
    for (auto _ : state) {
        const pid_t pid = ::fork();
        if (pid == -1) {
            state.SkipWithError("fork failed");
            break;
        }
        if (pid == 0) ::_exit(0);
        int status = 0;
        while (::waitpid(pid, &status, 0) == -1) {
        }
    }
}
BENCHMARK(BM_RawForkWaitpid)->UseRealTime();

void BM_ProcessStartJoin(benchmark::State& state) {
    for (auto _ : state) {
        startjoin::Process process([] {});
        process.start();
        process.join();
    }
}
BENCHMARK(BM_ProcessStartJoin)->UseRealTime();

// Prints as usual and remembers each benchmark's real time per iteration, so main() can compare
// them. With --benchmark_repetitions the mean aggregate is used, else the single run.
class RecordingReporter : public benchmark::ConsoleReporter {
  public:
    void ReportRuns(const std::vector<Run>& runs) override {
        for (const Run& run : runs) {
            if (run.error_occurred) continue;
            const bool mean = run.run_type == Run::RT_Aggregate && run.aggregate_name == "mean";
            if (run.run_type == Run::RT_Iteration || mean) {
                // Name without the "_mean" suffix, so both kinds of run land on the same key.
                real_time_[run.run_name.function_name] = run.GetAdjustedRealTime();
            }
        }
        ConsoleReporter::ReportRuns(runs);
    }

    const std::map<std::string, double>& real_times() const { return real_time_; }

  private:
    std::map<std::string, double> real_time_;
};

}  // namespace

int main(int argc, char** argv) {
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    RecordingReporter reporter;
    benchmark::RunSpecifiedBenchmarks(&reporter);
    benchmark::Shutdown();

    const auto& times = reporter.real_times();
    const auto raw = times.find("BM_RawForkWaitpid");
    const auto process = times.find("BM_ProcessStartJoin");
    if (raw == times.end() || process == times.end() || raw->second <= 0) {
        std::printf("ratio start+join / fork+waitpid: not measured (run both benchmarks)\n");
        return 0;
    }
    std::printf("ratio start+join / fork+waitpid: %.2f\n", process->second / raw->second);
    return 0;
}
