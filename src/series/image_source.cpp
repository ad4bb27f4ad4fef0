#include "series/image_source.hpp"

#include <atomic>
#include <mutex>
#include <thread>

#include "series/series_builder.hpp"
#include "series/stack.hpp"

namespace dcmlens::series {

namespace {

class FileSource final : public ImageSource {
public:
    explicit FileSource(std::vector<std::string> paths) : paths_(std::move(paths)) {
        thread_ = std::thread([this] { run(); });
    }
    ~FileSource() override {
        control_.cancel = true;
        thread_.join();
    }
    FileSource(const FileSource&) = delete;
    FileSource& operator=(const FileSource&) = delete;

    std::string name() const override { return paths_.empty() ? std::string() : paths_.front(); }
    std::vector<std::shared_ptr<const model::Instance>> takeHeaders() override {
        std::lock_guard<std::mutex> lock(mutex_);
        std::vector<std::shared_ptr<const model::Instance>> out;
        out.swap(headers_);
        return out;
    }
    std::vector<std::string> takeErrors() override {
        std::lock_guard<std::mutex> lock(mutex_);
        std::vector<std::string> out;
        out.swap(errors_);
        return out;
    }
    SourceProgress progress() const override {
        SourceProgress p;
        p.cancelled = control_.cancel;
        if (finished_) {
            p.stage = "done";
            p.done = p.total = total_;
            p.finished = true;
        } else if (scanning_) {
            p.stage = "reading headers";
            p.done = control_.scanned;
            p.total = total_;
        } else {
            p.stage = "listing files";
            p.done = control_.listed;
        }
        return p;
    }
    void cancel() override { control_.cancel = true; }
    std::vector<std::string> openedPaths() const override {
        std::lock_guard<std::mutex> lock(mutex_);
        return opened_;
    }

private:
    void run() {
        std::vector<std::string> problems;  // a DICOMDIR's missing files, unreadable DICOMDIRs
        const std::vector<std::string> files = listFiles(paths_, &problems, &control_);
        total_ = files.size();
        scanning_ = true;
        HeaderScan scan = scanHeaders(files, 0, &control_);
        {
            std::lock_guard<std::mutex> lock(mutex_);
            errors_.insert(errors_.end(), problems.begin(), problems.end());
            errors_.insert(errors_.end(), scan.errors.begin(), scan.errors.end());
            headers_ = std::move(scan.headers);
            if (!headers_.empty()) {
                opened_ = paths_;
            } else if (errors_.empty() && !control_.cancel) {
                errors_.push_back((paths_.empty() ? std::string("(nothing)") : paths_.front()) +
                                  ": no DICOM images found");
            }
        }
        finished_ = true;
    }

    std::vector<std::string> paths_;
    ScanControl control_;
    std::atomic<std::size_t> total_{0};
    std::atomic<bool> scanning_{false};
    std::atomic<bool> finished_{false};
    mutable std::mutex mutex_;
    std::vector<std::shared_ptr<const model::Instance>> headers_;
    std::vector<std::string> errors_;
    std::vector<std::string> opened_;
    std::thread thread_;  // last: started once everything above exists
};

class DemoSource final : public ImageSource {
public:
    DemoSource() : headers_(demoStack().instances) {}
    std::string name() const override { return "demo"; }
    std::vector<std::shared_ptr<const model::Instance>> takeHeaders() override {
        std::vector<std::shared_ptr<const model::Instance>> out;
        out.swap(headers_);
        return out;
    }
    std::vector<std::string> takeErrors() override { return {}; }
    SourceProgress progress() const override {
        SourceProgress p;
        p.stage = "done";
        p.finished = true;
        return p;
    }
    void cancel() override {}

private:
    std::vector<std::shared_ptr<const model::Instance>> headers_;
};

}  // namespace

std::unique_ptr<ImageSource> openFiles(std::vector<std::string> paths) {
    return std::make_unique<FileSource>(std::move(paths));
}

std::unique_ptr<ImageSource> openDemo() {
    return std::make_unique<DemoSource>();
}

}  // namespace dcmlens::series
