// SPDX-License-Identifier: BSL-1.0
// Training curves: the history of a run as CSV, and loss, accuracy and learning-rate curves
// drawn as SVG by gnuplot when it is installed.
#pragma once

#include <ctnn/report/page.hpp>
#include <ctnn/train/trainer.hpp>

#include <cerrno>
#include <filesystem>
#include <initializer_list>
#include <span>
#include <sstream>
#include <string>
#include <vector>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>

extern char** environ;

namespace ctnn::report {

/// steps.csv (step, epoch, loss, accuracy, learning_rate of every optimizer step) and
/// evaluations.csv (step, epoch, train_seconds, loss, accuracy of every evaluation) in dir.
inline void write_history(std::filesystem::path const& dir, std::span<const step_record> steps,
                          std::span<const eval_record> evaluations) {
  std::ostringstream s, e;
  s << "step,epoch,loss,accuracy,learning_rate\n";
  for (auto const& r : steps)
    s << r.step << ',' << r.epoch << ',' << r.loss << ',' << r.accuracy << ',' << r.learning_rate
      << '\n';
  e << "step,epoch,train_seconds,loss,accuracy\n";
  for (auto const& r : evaluations)
    e << r.step << ',' << r.epoch << ',' << r.train_seconds << ',' << r.loss << ',' << r.accuracy
      << '\n';
  write_text(dir / "steps.csv", s.str());
  write_text(dir / "evaluations.csv", e.str());
}

namespace detail {
// Runs `program args...` in `dir` with its output in dir/log, through an argument vector (no
// shell sees the folder's name); returns its exit status, or -1 when it could not start.
inline int run_in(std::filesystem::path const& dir, std::string const& log,
                  std::initializer_list<std::string> argv_strings) {
  std::vector<std::string> args(argv_strings);
  std::vector<char*> argv;
  for (auto& a : args)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addchdir_np(&actions, dir.c_str());
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  pid_t pid = 0;
  const int failed = posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (failed != 0)
    return -1;
  int status = 0;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR)
      return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}
}  // namespace detail

/// Draws images/loss.svg, images/accuracy.svg and images/learning_rate.svg in dir from its
/// steps.csv and evaluations.csv (write_history) with gnuplot; returns whether it did (gnuplot
/// may not be installed: Debian gnuplot-nox).  The script stays beside them as curves.gp.
inline bool draw_curves(std::filesystem::path const& dir, bool have_evaluations,
                        std::string const& evaluation_name = "validation") {
  const std::string eval_title = "title '" + evaluation_name + "'";
  std::string gp = "set terminal svg size 540,320 dynamic font 'sans,12' background '#ffffff'\n"
                   "set termoption noenhanced\nset datafile separator ','\nset key outside top "
                   "center horizontal\nset grid\nset xlabel 'step'\n";
  gp += "set output 'images/loss.svg'\nset ylabel 'loss'\nplot 'steps.csv' skip 1 using 1:3 "
        "with lines lc rgb '#9ecae1' title 'train (batch)'";
  if (have_evaluations)
    gp += ", 'evaluations.csv' skip 1 using 1:4 with linespoints lw 2 pt 7 lc rgb '#d62728' " +
          eval_title;
  gp += "\nset output 'images/accuracy.svg'\nset ylabel 'accuracy'\nplot 'steps.csv' skip 1 "
        "using 1:4 with lines lc rgb '#9ecae1' title 'train (batch)'";
  if (have_evaluations)
    gp += ", 'evaluations.csv' skip 1 using 1:5 with linespoints lw 2 pt 7 lc rgb '#d62728' " +
          eval_title;
  gp += "\nset output 'images/learning_rate.svg'\nset ylabel 'learning rate'\nset yrange "
        "[0:*]\nplot 'steps.csv' skip 1 using 1:5 with lines lw 2 lc rgb '#2ca02c' title "
        "'schedule'\nunset output\n";
  std::filesystem::create_directories(dir / "images");
  write_text(dir / "curves.gp", gp);
  return detail::run_in(dir, "gnuplot.log", {"gnuplot", "curves.gp"}) == 0 &&
         std::filesystem::exists(dir / "images" / "learning_rate.svg");
}

/// The history as CSV and curves, and the section that shows them.
inline section curves_section(std::filesystem::path const& dir, std::span<const step_record> steps,
                              std::span<const eval_record> evaluations,
                              std::string const& evaluation_name = "validation") {
  write_history(dir, steps, evaluations);
  section s{"Training curves", ""};
  if (!steps.empty() && draw_curves(dir, !evaluations.empty(), evaluation_name))
    s.html = "<img src=\"images/loss.svg\" alt=\"loss\"><img src=\"images/accuracy.svg\" "
             "alt=\"accuracy\"><img src=\"images/learning_rate.svg\" alt=\"learning rate\">";
  else
    s.html = "<p>The curves were not drawn: " +
             std::string(steps.empty() ? "no training step was taken"
                                       : "gnuplot is not installed (Debian package gnuplot-nox)") +
             ". The numbers are in <a href=\"steps.csv\">steps.csv</a> and <a "
             "href=\"evaluations.csv\">evaluations.csv</a>.</p>";
  return s;
}

}  // namespace ctnn::report
