#pragma once

#include <memory>
#include <string>
#include <vector>

#include "model/instance.hpp"

namespace dcmlens::series {

// What an ImageSource has done so far.
struct SourceProgress {
    std::string stage;      // "listing files", "reading headers", "retrieving", "done"
    std::size_t done = 0;   // items of the stage done
    std::size_t total = 0;  // 0: not known yet
    bool finished = false;  // every header it will give has been given
    bool cancelled = false;
};

// Where the viewer's images come from: files and folders, a DICOMDIR, the demo stack, and (the
// PACS work) a DICOMweb or DIMSE retrieval. A source works on its own threads and never blocks
// the caller: the UI thread polls it once per frame, takes the headers that arrived (instances
// with their attributes; their pixels are decoded later by the StackLoader, from a file or from
// memory) and builds stacks from them with buildStacks(). A network stream and a local folder
// thus produce the same stacks, sessions and viewports.
class ImageSource {
public:
    virtual ~ImageSource() = default;
    // What was opened, for messages and the recent list ("/data/ct", "demo").
    virtual std::string name() const = 0;
    // Headers that arrived since the last call.
    virtual std::vector<std::shared_ptr<const model::Instance>> takeHeaders() = 0;
    // "FILE: reason" for inputs that gave no image, since the last call.
    virtual std::vector<std::string> takeErrors() = 0;
    virtual SourceProgress progress() const = 0;
    // Stops the work; what arrived stays valid.
    virtual void cancel() = 0;
    // Paths the user named that opened (for the recent-files list), once finished.
    virtual std::vector<std::string> openedPaths() const { return {}; }
};

// Files and folders (recursively), DICOMDIRs among them: the listing and the header scan run on a
// background thread (the scan on every core); headers are handed over once the scan is complete,
// so that stacks are sorted from the whole series.
std::unique_ptr<ImageSource> openFiles(std::vector<std::string> paths);

// The built-in CT phantom (stack.hpp's demoStack), decoded already.
std::unique_ptr<ImageSource> openDemo();

}  // namespace dcmlens::series
