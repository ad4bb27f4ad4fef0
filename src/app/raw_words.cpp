#include "app/raw_words.hpp"

#include "common/error.hpp"
#include "dicom/dicom_file.hpp"

namespace dcmlens::app {

const model::PixelBuffer* RawWords::of(const std::string& path, int frame) {
    if (path.rfind("demo:", 0) == 0) {
        return nullptr;
    }
    if (path_ != path || frame_ != frame) {
        try {
            words_ = dicom::DicomFile(path).decodeRawFrame(frame);
        } catch (const Error&) {
            words_ = model::PixelBuffer();
        }
        path_ = path;
        frame_ = frame;
    }
    return words_.empty() ? nullptr : &words_;
}

}  // namespace dcmlens::app
