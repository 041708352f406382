// SPDX-License-Identifier: BSL-1.0
// The program every training example runs around its network (see network_runner.hpp):
// options, data, the checks made before training, checkpoints and their history, the report,
// the closing JSON line.  Compiled once for all examples.
#include "network_runner.hpp"

#include <ctnn/data.hpp>
#include <ctnn/io.hpp>
#include <ctnn/report.hpp>
#include <ctnn/train.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iomanip>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

namespace ctnn::examples {
namespace {

/// Whether a file can be created in `dir`: creates and removes a probe file there (the only
/// test that also sees read-only mounts and full quotas).  Returns the reason when not.
std::string cannot_create_in(std::filesystem::path const& dir) {
  const std::filesystem::path probe = dir / (".ctnn-probe." + std::to_string(::getpid()));
  const int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0)
    return std::strerror(errno);
  ::close(fd);
  std::filesystem::remove(probe);
  return {};
}

/// Refuses, before any training, a file option (--save, --save-weights) that could not be
/// written at the end: a folder, a missing or unwritable folder, or an existing file that
/// `reusable` does not accept (it returns why not) unless --overwrite.
void check_output_file(std::string const& flag, std::string const& file, bool overwrite,
                       std::function<std::string()> const& reusable) {
  if (file.empty())
    return;
  namespace fs = std::filesystem;
  const fs::path target = file;
  const std::string what = flag + " " + file;
  std::error_code ec;
  if (fs::is_directory(target, ec))
    throw checkpoint_error(what + " is a folder; give a file name (e.g. " +
                           (target / (flag == "--save" ? "run.ckpt" : "run.weights")).string() +
                           ")");
  const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  if (!fs::exists(dir, ec))
    throw checkpoint_error(what + ": the folder " + dir.string() +
                           " does not exist; create it first");
  if (!fs::is_directory(dir, ec))
    throw checkpoint_error(what + ": " + dir.string() + " is not a folder");
  if (const std::string why = cannot_create_in(dir); !why.empty())
    throw checkpoint_error(what + ": cannot create files in " + dir.string() + " (" + why + ")");
  if (fs::exists(target, ec) && !fs::is_regular_file(target, ec))
    throw checkpoint_error(what + " exists and is not a regular file");
  if (overwrite || !fs::exists(target, ec))
    return;
  if (const std::string why = reusable(); !why.empty())
    throw checkpoint_error(what + " " + why + "; choose another path or pass --overwrite");
}

/// --save: a checkpoint of this very network may be replaced.
void check_save_target(options const& o, network_runner const& net) {
  check_output_file("--save", o.save, o.overwrite, [&]() -> std::string {
    checkpoint_header h;
    try {
      h = read_checkpoint_header(o.save);
    } catch (checkpoint_error const& e) {
      return std::string("exists and is not a usable ctnn checkpoint (") + e.what() + ")";
    }
    if (!net.wrote(h))
      return "holds a checkpoint of another network (" + h.fingerprint + ")";
    return {};
  });
}

/// --save-weights: a weights file (or checkpoint) of this very network may be replaced.
void check_save_weights_target(options const& o, network_runner const& net) {
  check_output_file("--save-weights", o.save_weights, o.overwrite, [&]() -> std::string {
    try {
      net.check_weights_file(o.save_weights);
    } catch (checkpoint_error const& e) {
      return std::string("exists and is not a weights file of this network (") + e.what() + ")";
    }
    return {};
  });
}

std::string json_escape(std::string const& s) {
  std::string out;
  for (char ch : s) {
    if (ch == '"' || ch == '\\')
      out += '\\';
    out += ch;
  }
  return out;
}

/// Refuses, before any training, a --report folder no file can be written into.
void check_report_target(options const& o) {
  if (o.report.empty())
    return;
  try {
    report::prepare_directory(o.report);  // refuses a folder of other files, creates a new one
  } catch (report::report_error const& e) {
    throw report::report_error(std::string("--report ") + e.what());
  }
  if (const std::string why = cannot_create_in(o.report); !why.empty())
    throw report::report_error("--report " + o.report + ": cannot create files in it (" + why +
                               ")");
}

// SIGINT and SIGTERM end training after the step under way; a second one ends the program.
std::atomic<bool> stop_requested{false};
volatile std::sig_atomic_t stop_signal = 0;
extern "C" void on_stop_signal(int sig) {
  stop_signal = sig;
  stop_requested.store(true);
}
void catch_stop_signals() {
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESETHAND;  // the second signal is not caught: it ends the program
  ::sigaction(SIGINT, &sa, nullptr);
  ::sigaction(SIGTERM, &sa, nullptr);
}

/// Refuses, in the command line's words, to continue an epoch that was interrupted with a
/// different --batch or --train-limit (ctnn::trainer refuses it too, in its own words).
void check_resume_fits(options const& o, training_position const& start, std::size_t train_images) {
  if (start.batch == 0 || start.epoch_step == 0)
    return;
  if (start.batch != o.batch || start.samples != train_images)
    throw training_error(
        "--resume " + o.resume + ": the checkpoint stopped " + std::to_string(start.epoch_step) +
        " steps into epoch " + std::to_string(start.epoch + 1) + " with --batch " +
        std::to_string(start.batch) + " over " + std::to_string(start.samples) +
        " training images, and this run has --batch " + std::to_string(o.batch) + " over " +
        std::to_string(train_images) + "; resume with the same --batch and --train-limit");
}

/// The folder of the example's four IDX files: --data as given; else $CTNN_DATA/<data set>
/// ($CTNN_DATA holds mnist/ and fashion-mnist/, so that no example reads another's data);
/// else data/<data set>.
std::filesystem::path data_folder(options const& o, example_config const& c) {
  namespace fs = std::filesystem;
  if (!o.data.empty())
    return o.data;
  const char* env = std::getenv("CTNN_DATA");
  if (env == nullptr || *env == '\0')
    return fs::path("data") / c.data_set;
  const fs::path dir = fs::path(env) / c.data_set;
  std::error_code ec;
  if (fs::is_directory(dir, ec))
    return dir;
  const bool idx_folder = fs::exists(fs::path(env) / "train-images-idx3-ubyte", ec) ||
                          fs::exists(fs::path(env) / "train-images-idx3-ubyte.gz", ec);
  throw data_error(std::string("$CTNN_DATA is ") + env + ", which has no " + c.data_set +
                   "/ folder: $CTNN_DATA names the folder that holds mnist/ and fashion-mnist/" +
                   (idx_folder ? " (this one holds IDX files itself: pass it as --data " +
                                     std::string(env) + " if they are " + c.data_set + "'s)"
                               : "") +
                   "; or name the folder of " + c.data_set + "'s IDX files with --data");
}

/// The steps and validations of a run, kept beside its checkpoint (FILE.history) so that a
/// report after --resume shows the whole run, not only the part since the resume.  Text:
/// a header line, then "s,step,epoch,loss,accuracy,learning_rate" and
/// "e,step,epoch,train_seconds,loss,accuracy" lines, numbers exact (%.17g).
struct run_history {
  std::vector<step_record> steps;
  std::vector<eval_record> evaluations;
  std::string schedule;  // the options the learning rate depends on ("r," line)
  bool found = false;    // read from a file
};
constexpr char const* history_header = "ctnn run history 1";
std::string history_file(std::string const& checkpoint) {
  return checkpoint + ".history";
}

/// Writes h beside the checkpoint, atomically (a temporary file renamed over the old one).
/// Returns the reason when it cannot: losing the history must not lose the checkpoint.
std::string write_history(std::string const& checkpoint, run_history const& h) {
  namespace fs = std::filesystem;
  const fs::path path = history_file(checkpoint);
  // Appended piece by piece: "." + std::string&& trips GCC 12's -Wrestrict at -O3 (PR 105329).
  std::string name = ".";
  name += path.filename().string();
  name += ".tmp." + std::to_string(::getpid());
  const fs::path tmp = path.parent_path() / name;
  std::FILE* f = std::fopen(tmp.c_str(), "w");
  if (f == nullptr)
    return std::strerror(errno);
  bool ok = std::fprintf(f, "%s\nr,%s\n", history_header, h.schedule.c_str()) > 0;
  for (auto const& r : h.steps)
    ok = ok && std::fprintf(f, "s,%zu,%.17g,%.17g,%.17g,%.17g\n", r.step, r.epoch, r.loss,
                            r.accuracy, r.learning_rate) > 0;
  for (auto const& r : h.evaluations)
    ok = ok && std::fprintf(f, "e,%zu,%.17g,%.17g,%.17g,%.17g\n", r.step, r.epoch, r.train_seconds,
                            r.loss, r.accuracy) > 0;
  ok = std::fflush(f) == 0 && ok;
  const int err = errno;
  ok = std::fclose(f) == 0 && ok;
  std::error_code ec;
  if (ok)
    fs::rename(tmp, path, ec);
  if (!ok || ec) {
    fs::remove(tmp, ec);
    return ok ? ec.message() : std::strerror(err != 0 ? err : EIO);
  }
  return {};
}

/// The history beside a checkpoint, up to its step `upto` (a history written after the
/// checkpoint, by a run killed between the two, is cut there).  Missing: nothing found.
run_history read_history(std::string const& checkpoint, std::size_t upto) {
  run_history h;
  std::ifstream in(history_file(checkpoint));
  std::string line;
  if (!in || !std::getline(in, line) || line != history_header)
    return h;
  while (std::getline(in, line)) {
    if (line.starts_with("r,")) {
      h.schedule = line.substr(2);
      continue;
    }
    std::size_t step = 0;
    double v[4] = {};
    char kind = 0;
    if (std::sscanf(line.c_str(), "%c,%zu,%lg,%lg,%lg,%lg", &kind, &step, &v[0], &v[1], &v[2],
                    &v[3]) != 6 ||
        step > upto)
      continue;
    if (kind == 's')
      h.steps.push_back({step, v[0], v[1], v[2], v[3]});
    else if (kind == 'e')
      h.evaluations.push_back({step, v[0], v[1], v[2], v[3]});
  }
  h.found = true;
  return h;
}

/// The name of the network's output k: the class it stands for (mnist3_tiny_cnn's outputs
/// are digits 0-2 of ten), by name when the example has names.
std::string class_name(example_config const& c, std::size_t k) {
  const std::size_t cls = k < c.classes.size() ? c.classes[k] : k;
  return cls < c.class_names.size() ? c.class_names[cls] : std::to_string(cls);
}

/// One image for --predict, pixels scaled to [0, 1] as the training images are: a 28x28 grey
/// PNG, or IDX_FILE:INDEX.
std::array<float, 784> read_image(std::string const& arg) {
  std::array<float, 784> x{};
  namespace fs = std::filesystem;
  std::error_code ec;
  if (const auto colon = arg.rfind(':');
      colon != std::string::npos && colon + 1 < arg.size() && !fs::exists(arg, ec)) {
    const std::string index = arg.substr(colon + 1);
    if (index.find_first_not_of("0123456789") != std::string::npos || index.size() > 9)
      throw std::invalid_argument("--predict " + arg + ": '" + index +
                                  "' is not an image index (IDX_FILE:INDEX)");
    idx_images images;
    try {
      images = read_idx_images(arg.substr(0, colon));
    } catch (data_error const& e) {
      throw std::invalid_argument(std::string("--predict ") + e.what());
    }
    const std::size_t i = std::stoul(index);
    if (images.rows != 28 || images.cols != 28)
      throw std::invalid_argument("--predict " + arg + ": the file's images are " +
                                  std::to_string(images.rows) + "x" + std::to_string(images.cols) +
                                  "; the network reads 28x28");
    if (i >= images.count)
      throw std::out_of_range("--predict " + arg + ": the file holds " +
                              std::to_string(images.count) + " images (0 to " +
                              std::to_string(images.count - 1) + ")");
    for (std::size_t p = 0; p < x.size(); ++p)
      x[p] = images.pixels[i * x.size() + p] / 255.0f;
    return x;
  }
  report::gray_image png;
  try {
    png = report::read_png(arg);
  } catch (report::report_error const& e) {
    throw std::invalid_argument(std::string("--predict ") + e.what());
  }
  if (png.width != 28 || png.height != 28)
    throw std::invalid_argument("--predict " + arg + ": " + std::to_string(png.width) + "x" +
                                std::to_string(png.height) +
                                " pixels; the network reads 28x28 grey images");
  for (std::size_t i = 0; i < x.size(); ++i)
    x[i] = png.pixels[i] / 255.0f;
  return x;
}

/// --weights FILE into the model, the file named in the command line's words.
void load_weights_option(options const& o, network_runner& net) {
  try {
    net.load_weights(o.weights);
  } catch (checkpoint_error const& e) {
    throw checkpoint_error(std::string("--weights ") + e.what());
  }
}

/// --evaluate and --predict: no training, the model of --weights.  --evaluate prints the test
/// loss and accuracy and the JSON line; --predict a class and its confidence per image.
int use_weights(example_config const& c, options const& o, network_runner& net) {
  load_weights_option(o, net);
  std::cout << "weights: " << o.weights << "\n";
  for (std::string const& arg : o.predict) {
    const auto [k, confidence] = net.classify(read_image(arg));
    std::cout << arg << ": " << class_name(c, k) << " (" << std::fixed << std::setprecision(1)
              << 100 * confidence << " %)" << std::defaultfloat << std::endl;
  }
  if (!o.evaluate)
    return 0;
  const auto dir = data_folder(o, c);
  image_set test_images = load_mnist(dir, split::test);
  if (!c.classes.empty())
    test_images = select_classes(test_images, c.classes);
  test_images = take(std::move(test_images), o.test_limit);
  const evaluation e = net.evaluate(test_images, o.threads);
  std::cout << "data: " << dir.string() << " (" << e.samples << " test images)\n"
            << "test loss " << e.loss << "  test accuracy " << 100 * e.accuracy << " %\n";
  std::ostringstream json;
  json.precision(6);
  json << "{\"network\": \"" << json_escape(c.name)
       << "\", \"parameters\": " << net.parameter_count() << ", \"weights\": \""
       << json_escape(o.weights) << "\", \"test_images\": " << e.samples
       << ", \"test_loss\": " << e.loss << ", \"test_accuracy\": " << e.accuracy
       << ", \"classes\": " << test_images.classes << "}";
  std::cout << json.str() << std::endl;
  return 0;
}

int train_and_report(example_config const& c, options const& o, network_runner& net,
                     image_set const& train_set, image_set const& test_set,
                     image_set const* validation_images, std::string const& extra_json) {
  // From here on a signal ends training after the step under way (or before the first).
  catch_stop_signals();
  // Without --validation the examples validate on the test set, as they always did.
  image_set const& validation_set = validation_images ? *validation_images : test_set;
  const std::string validated_on = validation_images ? "validation" : "test";
  net.use_optimizer(o);
  training_position start;
  if (!o.resume.empty()) {
    start = net.load_checkpoint(o.resume);
    check_resume_fits(o, start, train_set.size());
    std::cout << "resumed from " << o.resume << " at epoch " << start.epoch << ", step "
              << start.step << "\n";
    if (start.epoch >= o.epochs)
      std::cout << "nothing to train: the checkpoint has completed " << start.epoch
                << " epochs and --epochs is " << o.epochs << "\n";
  } else if (!o.weights.empty()) {
    load_weights_option(o, net);  // fine-tuning: the weights (and normalization) of a file
    std::cout << "starting from the weights in " << o.weights << "\n";
  } else {
    net.initialize(o.init, o.seed);
  }
  // The run so far, for the report: what the checkpoint's history file holds, up to its step.
  run_history earlier;
  if (!o.resume.empty() && start.step > 0) {
    earlier = read_history(o.resume, start.step);
    if (!o.report.empty() && earlier.steps.size() != start.step)
      std::cout << "report: " << history_file(o.resume)
                << (earlier.found ? " holds " + std::to_string(earlier.steps.size()) + " of the "
                                  : std::string(" is missing: the report lacks the "))
                << start.step << " steps before the resume\n";
  }
  // The learning rate continues where it stopped only under the same schedule (a cosine
  // schedule spans --epochs): say so when the options differ from the checkpoint's run.
  std::ostringstream rate_options;
  rate_options << "--lr " << o.learning_rate << " --schedule " << o.schedule;
  if (o.schedule.starts_with("cosine"))
    rate_options << " --epochs " << o.epochs;
  if (earlier.found && !earlier.schedule.empty() && earlier.schedule != rate_options.str())
    std::cerr << c.name << ": warning: the checkpoint's run had " << earlier.schedule
              << " and this one has " << rate_options.str()
              << ": the learning rate does not continue where it stopped\n";
  if (o.normalise)
    net.normalise_by(train_set);
  // --target-accuracy and the curves refer to the validation set: held-out training images
  // with --validation, else the test set.
  fit_options t;
  t.epochs = o.epochs;
  t.batch = o.batch;
  t.learning_rate = o.learning_rate;
  t.schedule = schedule::parse(o.schedule, static_cast<double>(o.epochs));
  t.seed = o.seed;
  t.target_accuracy = o.target_accuracy;
  t.eval_every = o.eval_every;
  t.max_steps = o.max_steps;
  t.augmentation = {o.shift, o.rotate, o.stretch, o.noise};
  t.start = start;
  const std::size_t steps_per_epoch = train_set.size() / o.batch;
  if (!o.report.empty() && t.eval_every == 0)  // curves need test points within an epoch
    t.eval_every = std::max<std::size_t>(1, steps_per_epoch / 10);
  // Each position is saved once: after every epoch, and at the end only if training went on
  // after the last epoch's save (max steps, target accuracy, a signal).
  std::size_t saved_step = start.step;
  bool saved_any = false;
  // The history beside the checkpoint: the earlier run's, then this run's steps as they come
  // (and each epoch's validation; fit's report, written once training ends, has them all).
  run_history history = earlier;
  history.schedule = rate_options.str();
  auto save_history = [&] {
    if (const std::string why = write_history(o.save, history); !why.empty())
      std::cerr << c.name << ": warning: cannot write " << history_file(o.save) << " (" << why
                << "); a report after --resume will lack the steps before it\n";
  };
  auto save = [&](training_position const& p) {
    net.save_checkpoint(o.save, p);
    saved_step = p.step;
    saved_any = true;
    std::cout << "checkpoint: saved " << o.save << " (epoch " << p.epoch << ", step " << p.step
              << ")" << std::endl;
    save_history();
  };
  // The bar (stderr, on a terminal only, as wide as the terminal) and one line per epoch on
  // stdout, also into a file or pipe.  Validating on the test set, the line says so.
  progress_bar bar(!o.quiet);
  t.on_step = each<step_info>(
      {bar.on_step(), [&](step_info const& i) {
         const double e0 = static_cast<double>(i.epoch - 1);
         const double progress = e0 + static_cast<double>(i.batch_in_epoch - 1) /
                                          static_cast<double>(i.batches_per_epoch);
         history.steps.push_back({i.step, progress, i.loss, i.accuracy, i.learning_rate});
       }});
  t.on_epoch = each<epoch_info>(
      {bar.on_epoch(),
       [&](epoch_info const& e) {
         std::string line = epoch_line(e);
         if (const auto at = line.find("validation"); at != std::string::npos)
           line.replace(at, 10, validated_on);
         std::cout << line << std::endl;
       },
       [&](epoch_info const& e) {
         if (e.validated)
           history.evaluations.push_back({e.position.step, static_cast<double>(e.epoch),
                                          e.position.train_seconds, e.validation_loss,
                                          e.validation_accuracy});
         if (!o.save.empty())
           save(e.position);
       }});
  t.stop = &stop_requested;

  const training_report rep = net.fit(train_set, validation_set, t, o.threads);
  bar.finish();
  // The whole run: the history before the resume, then this run's steps and validations.
  training_report whole = rep;
  whole.steps = earlier.steps;
  whole.steps.insert(whole.steps.end(), rep.steps.begin(), rep.steps.end());
  whole.evaluations = earlier.evaluations;
  whole.evaluations.insert(whole.evaluations.end(), rep.evaluations.begin(), rep.evaluations.end());
  history.steps = whole.steps;
  history.evaluations = whole.evaluations;
  if (!o.save.empty() && (rep.position.step != saved_step || (!saved_any && o.resume.empty())))
    save(rep.position);
  else if (!o.save.empty() && !rep.steps.empty())
    save_history();  // the epoch's save came before fit's report held every validation
  if (!o.save_weights.empty() && !rep.interrupted) {
    net.save_weights(o.save_weights);
    std::cout << "weights: saved " << o.save_weights << "\n";
  }
  if (rep.interrupted) {
    const int sig = stop_signal;
    std::cerr << c.name << ": interrupted by " << (sig == SIGTERM ? "SIGTERM" : "SIGINT")
              << " after step " << rep.position.step << " (epoch " << rep.position.epoch + 1
              << "); "
              << (o.save.empty() ? std::string("no checkpoint written (no --save given)")
                                 : "checkpoint saved to " + o.save + " (continue with --resume " +
                                       o.save + ")")
              << (o.save_weights.empty()
                      ? ""
                      : "; no weights written to " + o.save_weights + " (training did not finish)")
              << "\n";
    return 128 + (sig == 0 ? SIGINT : sig);
  }

  // Validations within epochs, when asked for (the epoch lines show the others).
  for (auto const& e : rep.evaluations)
    if (o.eval_every != 0)
      std::cout << "step " << e.step << "  epoch " << e.epoch << "  train " << e.train_seconds
                << " s  " << validated_on << " loss " << e.loss << "  " << validated_on
                << " accuracy " << 100 * e.accuracy << " %\n";
  // The test accuracy: the last validation's when that was on the test set, else one
  // evaluation of the test set now that training is over.
  double accuracy = 0;
  if (validation_images || rep.evaluations.empty()) {
    const evaluation test = net.evaluate(test_set, o.threads);
    accuracy = test.accuracy;
    if (validation_images)
      std::cout << "test loss " << test.loss << "  test accuracy " << 100 * test.accuracy << " % ("
                << test.samples << " images, used once)\n";
  } else {
    accuracy = rep.evaluations.back().accuracy;
  }
  std::string report_json;
  if (!o.report.empty()) {
    report::run_description d;
    d.network = c.name;
    d.feature_sample = o.feature_sample;
    if (!c.class_names.empty() || !c.classes.empty())  // Fashion-MNIST's names, N4's digits
      for (std::size_t k = 0; k < net.output_count(); ++k)
        d.class_names.push_back(class_name(c, k));
    d.settings = {{"command", c.name},
                  {"data", o.data.empty() ? "(default)" : o.data},
                  {"training images", std::to_string(train_set.size())},
                  {"test images", std::to_string(test_set.size())},
                  {"validation images", validation_images ? std::to_string(validation_set.size()) +
                                                                " held out of the training images"
                                                          : "the test set"},
                  {"epochs", std::to_string(o.epochs)},
                  {"batch", std::to_string(o.batch)},
                  {"optimizer", o.optimizer},
                  {"learning rate", std::to_string(o.learning_rate)},
                  {"schedule", o.schedule},
                  {"weight decay", std::to_string(o.weight_decay)},
                  {"initialisation", o.init},
                  {"seed", std::to_string(o.seed)},
                  {"threads", std::to_string(o.threads)},
                  {"normalise", o.normalise ? "yes" : "no"},
                  {"augmentation", t.augmentation.describe()},
                  {"resumed from", o.resume.empty() ? "-" : o.resume},
                  {"started from weights", o.weights.empty() ? "-" : o.weights}};
    const evaluation final_eval = net.evaluate(test_set, o.threads);
    report::prepare_directory(o.report);
    const auto index = report::write_report(o.report, net.draw_network(o.report, test_set, d),
                                            whole, final_eval, d);
    std::cout << "report: " << index.string() << "\n";
    report_json = ", \"report\": \"" + json_escape(index.string()) + "\"";
  }
  std::ostringstream json;
  json.precision(6);
  json << "{\"network\": \"" << json_escape(c.name)
       << "\", \"parameters\": " << net.parameter_count() << ", \"epochs\": "
       << static_cast<double>(rep.position.epoch) +
              static_cast<double>(rep.position.epoch_step) / static_cast<double>(steps_per_epoch)
       << ", \"steps\": " << rep.position.step << ", \"train_seconds\": " << rep.train_seconds
       << ", \"test_accuracy\": " << accuracy
       << ", \"validation_images\": " << (validation_images ? validation_set.size() : 0)
       << ", \"threads\": " << o.threads
       << ", \"images_per_second\": " << static_cast<long long>(rep.samples_per_second())
       << ", \"batch\": " << o.batch << ", \"optimizer\": \"" << o.optimizer
       << "\", \"learning_rate\": " << o.learning_rate << ", \"seed\": " << o.seed
       << ", \"target_reached\": " << (rep.target_reached ? "true" : "false")
       << ", \"augmentation\": \"" << t.augmentation.describe() << "\"" << extra_json << report_json
       << "}";
  std::cout << json.str() << std::endl;
  return 0;
}

}  // namespace

int run_program(int argc, char** argv, example_config const& c,
                std::function<std::unique_ptr<network_runner>()> const& make) {
  options o;
  if (const auto exit_code = parse_command_line(argc, argv, c, o))
    return *exit_code;
  try {
    const std::unique_ptr<network_runner> net = make();
    std::cout << c.name << ": " << net->parameter_count() << " parameters\n";
    if (o.evaluate || !o.predict.empty())
      return use_weights(c, o, *net);
    std::cout << net->summary() << std::flush;
    const auto dir = data_folder(o, c);
    image_set train_set = load_mnist(dir, split::train);
    image_set test_set = load_mnist(dir, split::test);
    if (!c.classes.empty()) {
      train_set = select_classes(train_set, c.classes);
      test_set = select_classes(test_set, c.classes);
    }
    if (train_set.classes != net->output_count())
      throw data_error(dir.string() + ": " + std::to_string(train_set.classes) +
                       " classes, but this network has " + std::to_string(net->output_count()) +
                       " outputs");
    train_set = take(std::move(train_set), o.train_limit);
    test_set = take(std::move(test_set), o.test_limit);
    std::optional<image_set> validation_set;
    if (o.validation > 0) {
      if (o.validation >= train_set.size())
        throw std::invalid_argument("--validation " + std::to_string(o.validation) +
                                    ": the training set has " + std::to_string(train_set.size()) +
                                    " images, and some must stay for training");
      auto parts = split_off(train_set, o.validation, o.seed);
      train_set = std::move(parts.rest);
      validation_set = std::move(parts.held_out);
    }
    std::cout << "data: " << dir.string() << " (" << train_set.size() << " training, "
              << (validation_set ? std::to_string(validation_set->size()) + " validation, " : "")
              << test_set.size() << " test images)" << std::endl;
    // Every output is checked before training, so no training is lost to a bad path.
    check_save_target(o, *net);
    check_save_weights_target(o, *net);
    check_report_target(o);
    if (!o.report.empty() && o.feature_sample >= test_set.size())
      throw std::invalid_argument("--feature-sample " + std::to_string(o.feature_sample) +
                                  ": the test set has " + std::to_string(test_set.size()) +
                                  " images (0 to " + std::to_string(test_set.size() - 1) + ")");
    if (o.batch > train_set.size())
      throw std::invalid_argument("--batch " + std::to_string(o.batch) + " is larger than the " +
                                  std::to_string(train_set.size()) + " training images");
    if ((o.shift > 0 || o.rotate > 0 || o.stretch > 0 || o.noise > 0) && !net->takes_images())
      throw std::invalid_argument("--shift, --rotate, --stretch and --noise transform images; " +
                                  c.name + "'s input is a vector");
    if (const unsigned cores = std::thread::hardware_concurrency(); cores != 0 && o.threads > cores)
      std::cerr << c.name << ": warning: --threads " << o.threads << " is more than the " << cores
                << " hardware threads of this machine; training will be slower, not faster\n";
    const std::string extra_json = ", \"classes\": " + std::to_string(train_set.classes);
    return train_and_report(c, o, *net, train_set, test_set,
                            validation_set ? &*validation_set : nullptr, extra_json);
  } catch (data_error const& e) {
    const std::string what = e.what();
    std::cerr << c.name << ": error: " << what
              << (what.find("[.gz]: no such file") != std::string::npos
                      ? "; pass --data DIR, the folder of " + c.data_set +
                            "'s IDX files, or set $CTNN_DATA to the folder holding " + c.data_set +
                            "/" +
                            (c.data_set == "mnist" ? " (scripts/fetch-mnist.sh fetches it)" : "")
                      : std::string())
              << "\n";
    return 1;
  } catch (std::exception const& e) {
    std::cerr << c.name << ": error: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace ctnn::examples
