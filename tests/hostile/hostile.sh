#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
# The hostile-input table: every row is an input a careless or hostile user can give, the exact
# message ctnn's examples answer with, and the exit code.  The README's "Hostile input" table
# is printed from these rows (--table), and each row is a CTest test (label hostile).
#   hostile.sh CASE     run one row (env: CTNN_BIN = folder of the example programs,
#                       CTNN_MNIST = the MNIST folder, CTNN_SCRATCH = a scratch folder)
#   hostile.sh --list   the rows' names;   hostile.sh --table   the README table
#   hostile.sh --check-readme README.md   the README shows exactly these rows
# In a message, DIR is the row's scratch folder and <n> any number.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)

# name | input | exact message | exit code
rows=(
  "data_header_overflow|train images whose header announces 4 x 2^31 x 2^31 (wraps to 0 bytes)|DIR/train-images-idx3-ubyte: the header announces 4 images of 2147483648x2147483648, more than the 268435456 data bytes an IDX file may hold (CTNN_IDX_MAX_BYTES)|1"
  "data_gzip_bomb|train images .gz: 10 images, then 512 MiB of zeros in 0.5 MB (run under a 1 GB address-space limit)|DIR/train-images-idx3-ubyte.gz: more than 1048576 bytes after the data the header announces (10 images of 28x28)|1"
  "data_truncated|train labels 3 bytes short|DIR/train-labels-idx1-ubyte: truncated: the header announces 8 labels (16 bytes) but the file has 13 bytes|1"
  "data_wrong_magic|a label file named as the train images|DIR/train-images-idx3-ubyte: wrong magic number 2049, expected 2051 (IDX images)|1"
  "data_corrupt_gzip|train images .gz damaged in the middle|DIR/train-images-idx3-ubyte.gz: corrupt compressed data|1"
  "data_count_mismatch|7 train labels for 8 images|DIR/train-labels-idx1-ubyte: 7 labels for the 8 images of DIR/train-images-idx3-ubyte|1"
  "data_label_out_of_range|a train label 12|DIR/train-labels-idx1-ubyte: label 12 at index 1 is not a class below 10|1"
  "data_image_size|20x20 train images|DIR/train-images-idx3-ubyte: images are 20x20 but the data set's input shape is 1x28x28|1"
  "data_missing_folder|--data DIR/nowhere|DIR/nowhere/train-images-idx3-ubyte[.gz]: no such file|1"
  "env_ctnn_data_idx_folder|\$CTNN_DATA set to an IDX folder itself, for fashion_lenet (was: it trained on that folder's MNIST)|\$CTNN_DATA is DIR/mnist, which has no fashion-mnist/ folder: \$CTNN_DATA names the folder that holds mnist/ and fashion-mnist/ (this one holds IDX files itself: pass it as --data DIR/mnist if they are fashion-mnist's)|1"
  "ckpt_not_a_checkpoint|--resume a text file|DIR/notes.txt: not a ctnn checkpoint|1"
  "ckpt_flipped_byte|--resume a checkpoint with one byte flipped|DIR/run.ckpt: corrupt or truncated checkpoint (checksum mismatch)|1"
  "ckpt_truncated|--resume a checkpoint cut short|DIR/run.ckpt: corrupt or truncated checkpoint (checksum mismatch)|1"
  "ckpt_other_network|--resume another network's checkpoint|DIR/run.ckpt: checkpoint of another network.|1"
  "ckpt_huge_file|--resume a sparse 3 GiB file (was: read into memory whole)|DIR/big.ckpt: 3221225472 bytes, more than a checkpoint of this network can hold (|1"
  "ckpt_is_folder|--resume DIR (a folder)|DIR: is a folder, not a checkpoint file|1"
  "ckpt_resume_mid_epoch_other_batch|--resume a run stopped mid-epoch (--max-steps 3) with another --batch|--resume DIR/run.ckpt: the checkpoint stopped 3 steps into epoch 1 with --batch 64 over 1920 training images, and this run has --batch 32 over 1920; resume with the same --batch and --train-limit|1"
  "ckpt_resume_other_batch|--resume after epoch 1 (batch 64) with --batch 32 --epochs 2: trains epoch 2 (was: nothing, exit 0)|resumed from DIR/run.ckpt at epoch 1, step 30|0"
  "ckpt_resume_nothing_to_do|--resume after epoch 2 with --epochs 2: the checkpoint is left as it is|nothing to train: the checkpoint has completed 2 epochs and --epochs is 2|0"
  "weights_other_network|--evaluate with --weights of another network (mnist3_tiny_cnn's, given to mnist_cnn)|--weights DIR/tiny.weights: weights file of another network.|1"
  "weights_missing_file|--evaluate --weights DIR/none.weights|--weights DIR/none.weights: no such weights file|1"
  "weights_predict_missing_png|--predict DIR/none.png|--predict DIR/none.png: not a readable PNG|1"
  "weights_predict_not_28x28|--predict a 20x20 grey PNG|--predict DIR/small.png: 20x20 pixels; the network reads 28x28 grey images|1"
  "opt_lr_nan|--lr nan|--lr: 'nan' is not a number (NaN)|105"
  "opt_lr_inf|--lr inf|--lr: 'inf' is not a finite number|105"
  "opt_lr_zero|--lr 0|--lr: 0 is out of range: it must be in [1e-09, 100]|105"
  "opt_lr_huge|--lr 1e400|--lr: '1e400' is not a finite number|105"
  "opt_rotate_nan|--rotate nan|--rotate: 'nan' is not a number (NaN)|105"
  "opt_shift_inf|--shift inf|--shift: 'inf' is not a finite number|105"
  "opt_stretch_negative|--stretch -0.1|--stretch: -0.1 is out of range: it must be in [0, 0.5]|105"
  "opt_noise_huge|--noise 2|--noise: 2 is out of range: it must be in [0, 1]|105"
  "opt_target_accuracy_nan|--target-accuracy nan|--target-accuracy: 'nan' is not a number (NaN)|105"
  "opt_momentum_one|--momentum 1|--momentum: 1 is out of range: it must be in [0, 0.999999]|105"
  "opt_weight_decay_nan|--weight-decay nan|--weight-decay: 'nan' is not a number (NaN)|105"
  "opt_train_limit_negative|--train-limit -5 (was: all images)|--train-limit: -5 is negative: it must be a whole number in [0, 1000000000]|105"
  "opt_test_limit_text|--test-limit ten|--test-limit: 'ten' is not a whole number|105"
  "opt_seed_negative|--seed -1 (was: 2^64-1)|--seed: -1 is negative: it must be a whole number in [0, 18446744073709551615]|105"
  "opt_seed_huge|--seed 18446744073709551616|--seed: 18446744073709551616 is out of range: it must be a whole number in [0, 18446744073709551615]|105"
  "opt_epochs_zero|--epochs 0|--epochs: 0 is out of range: it must be a whole number in [1, 100000]|105"
  "opt_batch_zero|--batch 0|--batch: 0 is out of range: it must be a whole number in [1, 65536]|105"
  "opt_batch_huge|--batch 99999999999999999999999|--batch: 99999999999999999999999 is out of range: it must be a whole number in [1, 65536]|105"
  "opt_threads_many|--threads 256 (was: accepted, GBs of memory)|--threads: 256 is out of range: it must be a whole number in [1, 64]|105"
  "opt_threads_zero|--threads 0|--threads: 0 is out of range: it must be a whole number in [1, 64]|105"
  "opt_eval_every_negative|--eval-every -1|--eval-every: -1 is negative: it must be a whole number in [0, 1000000000]|105"
  "opt_max_steps_fraction|--max-steps 2.5|--max-steps: '2.5' is not a whole number|105"
  "opt_feature_sample_negative|--feature-sample -1|--feature-sample: -1 is negative: it must be a whole number in [0, 1000000000]|105"
  "opt_evaluate_without_weights|--evaluate (no --weights)|--evaluate requires --weights|107"
  "opt_feature_sample_past_test_set|--feature-sample 5000 --report DIR/r (200 test images; was: image 199, silently)|--feature-sample 5000: the test set has 200 images (0 to 199)|1"
  "out_save_missing_folder|--save DIR/missing/run.ckpt (refused before training)|--save DIR/missing/run.ckpt: the folder DIR/missing does not exist; create it first|1"
  "out_save_read_only|--save into a folder no file can be created in (sysfs as root, mode 555 otherwise)|cannot create files in|1"
  "out_save_folder|--save DIR (a folder)|--save DIR is a folder; give a file name (e.g. DIR/run.ckpt)|1"
  "out_save_user_file|--save over a file of the user's (left unchanged)|--save DIR/thesis.txt exists and is not a usable ctnn checkpoint|1"
  "out_save_weights_folder|--save-weights DIR (a folder)|--save-weights DIR is a folder; give a file name (e.g. DIR/run.weights)|1"
  "out_save_weights_user_file|--save-weights over a file of the user's (left unchanged)|--save-weights DIR/thesis.txt exists and is not a weights file of this network|1"
  "out_report_user_folder|--report a folder of the user's files (left unchanged)|is a folder with other files in it|1"
  "out_report_file|--report onto a file of the user's (left unchanged)|--report DIR/thesis.txt exists and is not a folder|1"
  "out_report_read_only|--report inside a folder nothing can be created in|cannot create the folder|1"
  "fault_disk_full_save|the disk fills during the save after epoch 2 (file size limit); the epoch-1 checkpoint stays|DIR/run.ckpt: cannot write the checkpoint (File too large); the previous file is unchanged|1"
  "fault_disk_full_report|the disk fills while the report is written (file size limit)|: cannot write PNG (File too large)|1"
  "fault_killed_save|a save was killed mid-write and left .run.ckpt.tmp.<pid>: the next save removes it|checkpoint: saved DIR/run.ckpt (epoch 1, step 15)|0"
  "fault_saved_once|one epoch with --save writes the checkpoint once (was: twice)|checkpoint: saved DIR/run.ckpt (epoch 1, step 15)|0"
  "fault_sigint|SIGINT during training with --save: the step finishes, the checkpoint is saved and resumes|interrupted by SIGINT after step <n> (epoch <n>); checkpoint saved to DIR/run.ckpt (continue with --resume DIR/run.ckpt)|130"
  "fault_sigterm|SIGTERM during training without --save|interrupted by SIGTERM after step <n> (epoch <n>); no checkpoint written (no --save given)|143"
)

field() { local IFS='|'; read -r -a f <<<"$1"; echo "${f[$2]}"; }

if [[ ${1:-} == --list ]]; then
  for r in "${rows[@]}"; do field "$r" 0; done
  exit 0
fi
if [[ ${1:-} == --table || ${1:-} == --check-readme ]]; then
  if [[ $1 == --check-readme ]]; then  # the README shows exactly these rows
    diff <("$0" --table) <(sed -n '/^| input | message (DIR/,/^$/p' "$2" | sed '/^$/d') &&
      echo "ok: the README's hostile-input table matches the rows" && exit 0
    echo "FAIL: the README's hostile-input table differs from the rows (run $0 --table)"
    exit 1
  fi
  echo "| input | message (DIR: the folder in use; <n>: a number) | exit |"
  echo "|---|---|---|"
  for r in "${rows[@]}"; do
    msg=$(field "$r" 2)
    echo "| $(field "$r" 1) | \`${msg//|/\\|}\` | $(field "$r" 3) |"
  done
  exit 0
fi

name=$1
row=
for r in "${rows[@]}"; do [[ $(field "$r" 0) == "$name" ]] && row=$r; done
[[ -n $row ]] || { echo "no row named $name"; exit 2; }
message=$(field "$row" 2)
want_exit=$(field "$row" 3)
bin=${CTNN_BIN:?}
mnist=${CTNN_MNIST:?}
W=${CTNN_SCRATCH:?}/$name
rm -rf "$W" && mkdir -p "$W"
tiny=$bin/mnist3_tiny_cnn
fashion=$bin/fashion_lenet
cnn=$bin/mnist_cnn
quick=(--quiet --threads 2 --data "$mnist" --test-limit 200)

fail() { echo "FAIL: $name: $*"; echo "--- output ---"; cat "$W/out" 2>/dev/null; exit 1; }
run() {  # run PROGRAM ARGS...: output in $W/out, exit code in $rc
  "$@" >"$W/out" 2>&1
  rc=$?
}
check() {  # the row's exit code and message
  [[ $rc == "$want_exit" ]] || fail "exit code $rc, expected $want_exit"
  local re
  re=$(printf '%s' "$message" | sed -e 's/[][\.*^$+?(){}|/]/\\&/g')
  re=${re//DIR/$W}
  re=${re//<n>/[0-9]+}
  grep -Eq -- "$re" "$W/out" || fail "the output does not contain: $message"
  if [[ $want_exit != 0 ]] && grep -q "checkpoint: saved" "$W/out" && [[ $name != fault_* ]]; then
    fail "a checkpoint was written although the run was refused"
  fi
}
same() {  # same FILE SUM: the file is unchanged
  [[ $(sha256sum <"$1") == "$2" ]] || fail "$1 was changed"
}
no_temp() {
  local left
  left=$(find "$W" -name '.*.tmp.*')
  [[ -z $left ]] || fail "temporary files left: $left"
}

case $name in
  data_*)
    kind=${name#data_}
    if [[ $kind == missing_folder ]]; then
      run "$cnn" --quiet --data "$W/nowhere"
      check
      echo "ok: $name (exit $rc)"
      exit 0
    fi
    [[ $kind == gzip_bomb ]] && kind=bomb
    [[ $kind == header_overflow ]] && kind=overflow
    [[ $kind == label_out_of_range ]] && kind=label_range
    python3 "$here/make_files.py" "$kind" "$W" || fail "cannot write the files"
    if [[ $kind == bomb ]]; then
      # The reader stops 1 MiB past the announced data; decompressing all 512 MiB into a
      # growing vector (as before) does not fit in this limit.
      (ulimit -v 1000000; "$cnn" --quiet --data "$W" >"$W/out" 2>&1)
      rc=$?
    else
      run "$cnn" --quiet --data "$W"
    fi
    check ;;
  opt_*)
    input=$(field "$row" 1)
    input=${input%% (*}
    read -r -a args <<<"${input//DIR/$W}"
    run "$tiny" "${quick[@]}" --train-limit 300 "${args[@]}"
    check ;;
  env_ctnn_data_idx_folder)
    # $CTNN_DATA as it was once meant: the folder of MNIST's IDX files.
    mkdir -p "$W/mnist" && ln -s "$mnist"/* "$W/mnist/"
    CTNN_DATA=$W/mnist run "$fashion" --quiet --threads 2
    check ;;
  weights_other_network)
    run "$tiny" "${quick[@]}" --epochs 1 --train-limit 300 --save-weights "$W/tiny.weights"
    [[ $rc == 0 ]] || fail "the first run failed"
    run "$cnn" --weights "$W/tiny.weights" --evaluate "${quick[@]}"
    check ;;
  weights_missing_file)
    run "$cnn" --weights "$W/none.weights" --evaluate "${quick[@]}"
    check ;;
  weights_predict_missing_png | weights_predict_not_28x28)
    run "$tiny" "${quick[@]}" --epochs 1 --train-limit 300 --save-weights "$W/tiny.weights"
    [[ $rc == 0 ]] || fail "the first run failed"
    python3 "$here/make_files.py" small_png "$W" || fail "cannot write the PNG"
    image=$W/none.png
    [[ $name == weights_predict_not_28x28 ]] && image=$W/small.png
    run "$tiny" --weights "$W/tiny.weights" --predict "$image"
    check ;;
  ckpt_not_a_checkpoint)
    echo "my notes" >"$W/notes.txt"
    sum=$(sha256sum <"$W/notes.txt")
    run "$tiny" "${quick[@]}" --epochs 1 --train-limit 300 --resume "$W/notes.txt" --save "$W/notes.txt"
    check; same "$W/notes.txt" "$sum" ;;
  ckpt_flipped_byte | ckpt_truncated | ckpt_other_network)
    run "$tiny" "${quick[@]}" --epochs 1 --train-limit 1920 --save "$W/run.ckpt"
    [[ $rc == 0 ]] || fail "the first run failed"
    size=$(stat -c %s "$W/run.ckpt")
    if [[ $name == ckpt_flipped_byte ]]; then
      printf '\x5a' | dd of="$W/run.ckpt" bs=1 seek=$((size / 2)) conv=notrunc status=none
    elif [[ $name == ckpt_truncated ]]; then
      truncate -s $((size - 100)) "$W/run.ckpt"
    fi
    sum=$(sha256sum <"$W/run.ckpt")
    prog=$tiny
    [[ $name == ckpt_other_network ]] && prog=$cnn
    run "$prog" "${quick[@]}" --train-limit 1920 --resume "$W/run.ckpt"
    check; same "$W/run.ckpt" "$sum" ;;
  ckpt_huge_file)
    truncate -s 3G "$W/big.ckpt"
    run "$tiny" "${quick[@]}" --epochs 1 --train-limit 300 --resume "$W/big.ckpt"
    check ;;
  ckpt_is_folder)
    run "$tiny" "${quick[@]}" --epochs 1 --train-limit 300 --resume "$W"
    check ;;
  ckpt_resume_mid_epoch_other_batch)
    run "$tiny" "${quick[@]}" --epochs 1 --train-limit 1920 --batch 64 --max-steps 3 --save "$W/run.ckpt"
    [[ $rc == 0 ]] || fail "the first run failed"
    sum=$(sha256sum <"$W/run.ckpt")
    run "$tiny" "${quick[@]}" --epochs 1 --train-limit 1920 --batch 32 --resume "$W/run.ckpt" \
      --save "$W/run.ckpt"
    check; same "$W/run.ckpt" "$sum" ;;
  ckpt_resume_other_batch)
    run "$tiny" "${quick[@]}" --epochs 1 --train-limit 1920 --batch 64 --save "$W/run.ckpt"
    [[ $rc == 0 ]] || fail "the first run failed"
    run "$tiny" "${quick[@]}" --train-limit 1920 --batch 32 --epochs 2 --resume "$W/run.ckpt" \
      --save "$W/run.ckpt"
    check
    grep -q '"steps": 90,' "$W/out" || fail "epoch 2 (60 steps of 32) was not trained"
    grep -q "checkpoint: saved $W/run.ckpt (epoch 2, step 90)" "$W/out" || fail "not saved" ;;
  ckpt_resume_nothing_to_do)
    run "$tiny" "${quick[@]}" --train-limit 640 --epochs 2 --save "$W/run.ckpt"
    [[ $rc == 0 ]] || fail "the first run failed"
    sum=$(sha256sum <"$W/run.ckpt")
    run "$tiny" "${quick[@]}" --train-limit 640 --epochs 2 --resume "$W/run.ckpt" --save "$W/run.ckpt"
    check; same "$W/run.ckpt" "$sum"
    grep -q "checkpoint: saved" "$W/out" && fail "the checkpoint was rewritten" ;;
  out_save_missing_folder)
    run "$tiny" "${quick[@]}" --epochs 1 --train-limit 300 --save "$W/missing/run.ckpt"
    check ;;
  out_save_read_only | out_report_read_only)
    if [[ $(id -u) == 0 ]]; then
      ro=/sys  # root writes through file modes; sysfs refuses new files even to root
    else
      ro=$W/read-only && mkdir -p "$ro" && chmod 555 "$ro"
    fi
    if [[ $name == out_save_read_only ]]; then
      run "$tiny" "${quick[@]}" --epochs 1 --train-limit 300 --save "$ro/run.ckpt"
    else
      run "$tiny" "${quick[@]}" --epochs 1 --train-limit 300 --report "$ro/report"
    fi
    check
    grep -Eq "^(step|epoch) " "$W/out" && fail "training ran before the refusal" ;;
  out_save_folder)
    run "$tiny" "${quick[@]}" --epochs 1 --train-limit 300 --save "$W"
    check ;;
  out_save_weights_folder)
    run "$tiny" "${quick[@]}" --epochs 1 --train-limit 300 --save-weights "$W"
    check ;;
  out_save_user_file | out_report_file | out_save_weights_user_file)
    echo "a file the user keeps" >"$W/thesis.txt"
    sum=$(sha256sum <"$W/thesis.txt")
    if [[ $name == out_save_user_file ]]; then
      run "$tiny" "${quick[@]}" --epochs 1 --train-limit 300 --save "$W/thesis.txt"
    elif [[ $name == out_save_weights_user_file ]]; then
      run "$tiny" "${quick[@]}" --epochs 1 --train-limit 300 --save-weights "$W/thesis.txt"
      grep -Eq "^(step|epoch) " "$W/out" && fail "training ran before the refusal"
    else
      run "$tiny" "${quick[@]}" --epochs 1 --train-limit 300 --report "$W/thesis.txt"
    fi
    check; same "$W/thesis.txt" "$sum" ;;
  out_report_user_folder)
    mkdir -p "$W/mine" && echo "a file the user keeps" >"$W/mine/thesis.tex"
    sum=$(sha256sum <"$W/mine/thesis.tex")
    run "$tiny" "${quick[@]}" --epochs 1 --train-limit 300 --report "$W/mine"
    check; same "$W/mine/thesis.tex" "$sum" ;;
  fault_disk_full_save)
    run "$tiny" "${quick[@]}" --epochs 1 --train-limit 1920 --save "$W/run.ckpt"
    [[ $rc == 0 ]] || fail "the first run failed"
    sum=$(sha256sum <"$W/run.ckpt")
    # A 2 KiB file size limit (SIGXFSZ ignored): write() fails as on a full disk.
    # The output goes through a pipe: the limit applies to files the program writes.
    (ulimit -f 2; trap '' XFSZ; exec "$tiny" "${quick[@]}" --train-limit 1920 --epochs 2 \
       --resume "$W/run.ckpt" --save "$W/run.ckpt") 2>&1 | cat >"$W/out"
    rc=${PIPESTATUS[0]}
    check; same "$W/run.ckpt" "$sum"; no_temp ;;
  fault_disk_full_report)
    (ulimit -f 1; trap '' XFSZ; exec "$tiny" "${quick[@]}" --epochs 1 --train-limit 300 \
       --report "$W/report") 2>&1 | cat >"$W/out"
    rc=${PIPESTATUS[0]}
    check ;;
  fault_killed_save)
    echo "half a checkpoint" >"$W/.run.ckpt.tmp.2147483646"
    run "$tiny" "${quick[@]}" --epochs 1 --train-limit 1920 --batch 128 --save "$W/run.ckpt"
    check; no_temp ;;
  fault_saved_once)
    run "$tiny" "${quick[@]}" --epochs 1 --train-limit 1920 --save "$W/run.ckpt"
    check
    [[ $(grep -c "checkpoint: saved" "$W/out") == 1 ]] || fail "the checkpoint was written more than once" ;;
  fault_sigint | fault_sigterm)
    sig=INT
    save=(--save "$W/run.ckpt")
    if [[ $name == fault_sigterm ]]; then sig=TERM; save=(); fi
    "$cnn" --quiet --threads 2 --data "$mnist" --test-limit 500 --batch 32 --epochs 100 \
      "${save[@]}" >"$W/out" 2>&1 &
    pid=$!
    for _ in $(seq 600); do grep -q "^data:" "$W/out" && break; sleep 0.1; done
    sleep 1
    kill -$sig $pid
    wait $pid
    rc=$?
    check
    signal_rc=$rc
    if [[ $sig == INT ]]; then
      step=$(grep -o "after step [0-9]*" "$W/out" | grep -o "[0-9]*$")
      run "$cnn" --quiet --threads 2 --data "$mnist" --test-limit 500 --batch 32 --epochs 100 \
        --resume "$W/run.ckpt" --max-steps $((step + 1))
      [[ $rc == 0 ]] || fail "the saved checkpoint does not resume"
      grep -Eq "resumed from $W/run.ckpt at epoch [0-9]+, step $step\$" "$W/out" ||
        fail "resumed elsewhere"
      grep -q "\"steps\": $((step + 1))," "$W/out" || fail "did not continue from step $step"
    fi
    rc=$signal_rc ;;
  *) fail "no procedure for this row" ;;
esac
echo "ok: $name (exit $rc)"
