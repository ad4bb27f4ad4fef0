#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "model/instance.hpp"

namespace dcmlens::series {

// One displayable stack of a series: instances of one size, orientation and frame of reference,
// in display order.
struct SeriesStack {
    std::string studyUid;
    std::string seriesUid;
    std::string description;  // modality, series description, size, count
    std::vector<std::shared_ptr<const model::Instance>> instances;  // headers (stored may be empty)
    std::size_t frameCount() const;
};

// What the geometry of a stack tells the user (shown in the UI, one line each).
struct GeometryReport {
    std::vector<std::string> warnings;  // "2 missing slices between 35 and 36", "gantry tilt 12.0°"
    double spacing = 0;                 // median distance between neighbouring slices, mm
};

// Groups headers by Study and Series Instance UID, splits each series into stacks that share
// size, orientation (within 0.01) and frame of reference, and sorts each stack with
// sortForDisplay (stack.hpp). Largest stack first.
std::vector<SeriesStack> buildStacks(std::vector<std::shared_ptr<const model::Instance>> headers);

// Missing slices or uneven spacing (a gap over 1.5x or under 0.5x the median), duplicates (two
// slices at one position), gantry tilt (slices stepping off their normal by more than 0.5°).
GeometryReport checkGeometry(const SeriesStack& stack);

// The files the paths name, in order: a folder's files recursively, sorted by path (DICOMDIR
// files in it skipped: they index files the walk finds anyway); for a DICOMDIR (a file named so
// or of Media Storage Directory Storage) the files its records reference, in record order
// (dicom/dicomdir.hpp); any other file itself. DICOMDIR problems (a referenced file missing, an
// unreadable DICOMDIR) go to `problems` as one line each, naming the DICOMDIR; without it,
// missing files are skipped silently and an unreadable DICOMDIR throws dcmlens::Error.
// Progress and cancel for listFiles and scanHeaders run off the UI thread (ImageSource): the
// counters are read by another thread while they run; setting `cancel` stops them early (what
// was found so far is returned).
struct ScanControl {
    std::atomic<std::size_t> listed{0};   // files found so far
    std::atomic<std::size_t> scanned{0};  // headers read (or failed) so far
    std::atomic<bool> cancel{false};
};

std::vector<std::string> listFiles(const std::vector<std::string>& paths,
                                   std::vector<std::string>* problems = nullptr,
                                   ScanControl* control = nullptr);

}  // namespace dcmlens::series

namespace dcmlens::series {

// Reads the headers (attributes, no pixel data) of files on worker threads; files that are not
// DICOM or have no image go to `errors` as "FILE: reason", in file order.
struct HeaderScan {
    std::vector<std::shared_ptr<const model::Instance>> headers;
    std::vector<std::string> errors;
};
HeaderScan scanHeaders(const std::vector<std::string>& files, unsigned threads = 0,
                       ScanControl* control = nullptr);

}  // namespace dcmlens::series
