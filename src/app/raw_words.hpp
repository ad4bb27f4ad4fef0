#pragma once

#include <string>

#include "model/instance.hpp"

namespace dcmlens::app {

// The words of a frame as decoded, before masking to Bits Stored (the probe's raw stage and the
// bit-plane view), decoded again from the file once per (file, frame); null for the demo or
// when the file cannot be decoded again.
class RawWords {
public:
    const model::PixelBuffer* of(const model::Instance& instance, int frame);

private:
    std::string path_;
    int frame_ = -1;
    model::PixelBuffer words_;
};

}  // namespace dcmlens::app
