#pragma once

#include <memory>
#include <string>
#include <vector>

#include "model/instance.hpp"

namespace dcmlens::series {

// What the viewer scrolls through: the frames of one or more instances of the same size, in
// display order. Each instance holds the stored values of all its frames.
struct Stack {
    struct Frame {
        int instance = 0;  // index into instances
        int frame = 0;     // frame within that instance
    };
    std::vector<std::shared_ptr<const model::Instance>> instances;
    std::vector<Frame> frames;
    std::string description;           // shown in the title and corner text
    std::vector<std::string> errors;   // "FILE: reason" for every input that could not be used
    std::vector<std::string> skipped;  // images of other series or sizes, left out

    bool empty() const { return frames.empty(); }
    const model::Instance& instanceOf(int frame) const {
        return *instances[static_cast<std::size_t>(
            frames[static_cast<std::size_t>(frame)].instance)];
    }
};

// Orders instances of one series for display: by Image Position (Patient) projected on the slice
// normal from Image Orientation (Patient), else by Instance Number, else by path.
void sortForDisplay(std::vector<std::shared_ptr<const model::Instance>>& instances);

// Files and folders (searched recursively) -> the stack of the largest series of images sharing
// a size: the one a user opening a folder expects to see. Files that fail are listed in errors.
Stack loadStack(const std::vector<std::string>& paths);

// A synthetic CT phantom (signed 16-bit, HU rescale, soft-tissue and lung windows, real
// geometry) so that `dcmlens` with no argument shows something to scroll and window.
Stack demoStack(int slices = 100, int size = 256);

}  // namespace dcmlens::series
