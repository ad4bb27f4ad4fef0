#include "net/dimse.hpp"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcostrmb.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmdata/dcxfer.h>
#include <dcmtk/dcmnet/diutil.h>
#include <dcmtk/dcmnet/scp.h>
#include <dcmtk/dcmnet/scu.h>
#include <dcmtk/oflog/appender.h>
#include <dcmtk/oflog/logger.h>
#include <dcmtk/oflog/spi/logevent.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "common/error.hpp"
#include "dicom/dicom_file.hpp"

namespace dcmlens::net {

namespace {

// DCMTK 3.6.7 disables Nagle's algorithm on its sockets only when TCP_NODELAY is set in the
// environment (dul.cc); without it, DIMSE transfers of many small PDVs stall on delayed ACKs.
void prepareNetwork() {
    static std::once_flag once;
    std::call_once(once, [] {
        ::setenv("TCP_NODELAY", "1", 0);
        dicom::registerCodecs();
    });
}

// Every transfer syntax dcmlens can decode (PS3.5 A.4, PS3.6 Table A-1), one presentation
// context each: a server that has several accepted for a SOP class sends each instance in its own
// syntax instead of transcoding it to the first one.
const char* const kTransferSyntaxes[] = {
    UID_LittleEndianExplicitTransferSyntax,
    UID_LittleEndianImplicitTransferSyntax,
    UID_BigEndianExplicitTransferSyntax,
    UID_DeflatedExplicitVRLittleEndianTransferSyntax,
    UID_JPEGProcess1TransferSyntax,
    UID_JPEGProcess2_4TransferSyntax,
    UID_JPEGProcess14TransferSyntax,
    UID_JPEGProcess14SV1TransferSyntax,
    UID_JPEGLSLosslessTransferSyntax,
    UID_JPEGLSLossyTransferSyntax,
    UID_JPEG2000LosslessOnlyTransferSyntax,
    UID_JPEG2000TransferSyntax,
    UID_RLELosslessTransferSyntax,
    "1.2.840.10008.1.2.4.201",  // HTJ2K lossless (DCMTK 3.6.7 has no names for these)
    "1.2.840.10008.1.2.4.202",
    "1.2.840.10008.1.2.4.203",
};
constexpr std::size_t kSyntaxCount = sizeof kTransferSyntaxes / sizeof kTransferSyntaxes[0];

std::string trimmed(const OFString& s) {
    std::string out = s.c_str();
    while (!out.empty() && (out.back() == ' ' || out.back() == '\0')) {
        out.pop_back();
    }
    return out;
}

// The received dataset as a Part 10 object in the transfer syntax it came in: the bytes the
// header scan, the decoder and the cache read. Nothing is transcoded (the pixel data is written
// in the representation it was received in).
Bytes encodePart10(DcmDataset* dataset, E_TransferSyntax xfer) {
    DcmFileFormat file(dataset, OFFalse);  // takes the dataset
    auto out = std::make_shared<std::vector<std::uint8_t>>();
    const Uint32 length = file.calcElementLength(xfer, EET_ExplicitLength);
    out->reserve(length + 1024);
    std::vector<std::uint8_t> chunk(1 << 20);
    DcmOutputBufferStream stream(chunk.data(), static_cast<offile_off_t>(chunk.size()));
    file.transferInit();
    OFCondition status;
    do {
        status = file.write(stream, xfer, EET_ExplicitLength, nullptr, EGL_recalcGL, EPD_noChange,
                            0, 0, 0, EWM_createNewMeta);
        void* data = nullptr;
        offile_off_t size = 0;
        stream.flushBuffer(data, size);
        const auto* bytes = static_cast<const std::uint8_t*>(data);
        out->insert(out->end(), bytes, bytes + size);
    } while (status == EC_StreamNotifyClient);
    file.transferEnd();
    if (status.bad()) {
        throw Error(std::string("cannot encode a received instance: ") + status.text());
    }
    return out;
}

// DcmSCU logs why an association was rejected (PS3.8 9.3.4, the A-ASSOCIATE-RJ reason) at debug
// level only; this appender catches that line while an association is negotiated, so the user
// is told the reason instead of "rejected".
class RejectionCatcher : public dcmtk::log4cplus::Appender {
public:
    void close() override {}
    std::string reason;

protected:
    void append(const dcmtk::log4cplus::spi::InternalLoggingEvent& event) override {
        const std::string message = event.getMessage().c_str();
        const std::size_t at = message.find("Reason: ");
        if (message.find("Association Rejected") != std::string::npos && at != std::string::npos) {
            reason = message.substr(at + 8);
            reason = reason.substr(0, reason.find('\n'));
        }
    }
};

std::mutex negotiationMutex;  // the catcher watches a process-wide logger

std::string hostPort(const Server& s) {
    return s.host + ":" + std::to_string(s.port);
}

// Turns a failed association request into a sentence.
[[noreturn]] void associationFailed(const Server& s, const OFCondition& status,
                                    const std::string& rejection, const std::string& purpose) {
    const std::string peer = s.calledAet + " at " + hostPort(s);
    if (status == DUL_ASSOCIATIONREJECTED) {
        std::string why = rejection;
        std::string advice;
        if (why.find("Called AE Title") != std::string::npos) {
            advice = ": it does not know the called AE title " + s.calledAet +
                     " (check the server's own AE title)";
        } else if (why.find("Calling AE Title") != std::string::npos) {
            advice = ": calling AE title " + s.callingAet +
                     " is not known to it (register it as a modality there, or use "
                     "--calling-aet)";
        } else {
            advice = why.empty() ? "" : " (" + why + ")";
        }
        throw Error(s.calledAet + " refused the association" + advice);
    }
    if (status == NET_EC_NoAcceptablePresentationContexts) {
        throw Error(peer + " accepted no presentation context for " + purpose);
    }
    const std::string text = status.text();
    if (text.find("Connection refused") != std::string::npos) {
        throw Error("cannot connect to " + hostPort(s) +
                    " (connection refused: is the DICOM "
                    "server running on that port?)");
    }
    if (text.find("timeout") != std::string::npos || text.find("Timeout") != std::string::npos ||
        status == DUL_READTIMEOUT) {
        throw Error("no answer from " + peer + " within " +
                    std::to_string(static_cast<int>(std::ceil(s.transferTimeout))) +
                    " s (association request timed out)");
    }
    throw Error("cannot open an association with " + peer + ": " + text);
}

// A failure after the association was made.
[[noreturn]] void requestFailed(const Server& s, const OFCondition& status,
                                const std::string& what) {
    if (status == DUL_PEERABORTEDASSOCIATION || status == DUL_PEERREQUESTEDRELEASE) {
        throw Error(s.calledAet + " aborted the association when asked for " + what +
                    ": servers such as Orthanc do this when the calling AE title (" + s.callingAet +
                    ") is not one of their registered modalities");
    }
    if (status == DIMSE_NODATAAVAILABLE || status == DUL_READTIMEOUT ||
        std::string(status.text()).find("imeout") != std::string::npos) {
        throw Error("no answer from " + s.calledAet + " at " + hostPort(s) + " within " +
                    std::to_string(static_cast<int>(std::ceil(s.transferTimeout))) + " s (" + what +
                    ")");
    }
    throw Error(what + " with " + s.calledAet + " failed: " + status.text());
}

// What a C-FIND/C-GET/C-MOVE status means (PS3.4 C.4.1.1.4, C.4.2.1.5, C.4.3.1.4).
std::string statusText(Uint16 status) {
    switch (status) {
        case 0xA701:
        case 0xA702:
        case 0xA700:
            return "the server is out of resources";
        case 0xA801:
            return "the move destination is unknown to the server";
        case 0xA900:
            return "the identifier does not match the SOP class";
        case 0xFE00:
            return "cancelled";
        case 0x0122:
            return "the SOP class is not supported";
        case 0x0124:
            return "not authorised";
        default:
            break;
    }
    if ((status & 0xF000) == 0xC000) {
        return "the server was unable to process the request";
    }
    if (status == 0xB000) {
        return "some sub-operations failed";
    }
    char hex[16];
    std::snprintf(hex, sizeof hex, "0x%04X", status);
    return std::string("status ") + hex;
}

class Scu : public DcmSCU {
public:
    Scu(const Server& server, std::atomic<bool>& cancelled)
        : server_(server), cancelled_(cancelled) {
        prepareNetwork();
        setAETitle(server.callingAet.c_str());
        setPeerAETitle(server.calledAet.c_str());
        setPeerHostName(server.host.c_str());
        setPeerPort(static_cast<Uint16>(server.port));
        setConnectionTimeout(static_cast<Sint32>(std::ceil(server.connectTimeout)));
        setACSETimeout(static_cast<Uint32>(std::ceil(server.transferTimeout)));
        setDIMSEBlockingMode(DIMSE_NONBLOCKING);
        setDIMSETimeout(static_cast<Uint32>(std::ceil(server.transferTimeout)));
        setMaxReceivePDULength(ASC_MAXIMUMPDUSIZE);
    }

    ~Scu() override {
        if (isConnected()) {
            abortAssociation();
        }
    }

    void open(const std::string& purpose) {
        OFCondition status = initNetwork();
        if (status.bad()) {
            throw Error("cannot start DICOM networking: " + std::string(status.text()));
        }
        std::lock_guard<std::mutex> lock(negotiationMutex);
        auto logger = dcmtk::log4cplus::Logger::getInstance("dcmtk.dcmnet");
        auto* catcher = new RejectionCatcher;
        dcmtk::log4cplus::SharedAppenderPtr appender(catcher);
        const auto level = logger.getLogLevel();
        const bool additive = logger.getAdditivity();
        logger.setAdditivity(false);
        logger.setLogLevel(dcmtk::log4cplus::DEBUG_LOG_LEVEL);
        logger.addAppender(appender);
        status = negotiateAssociation();
        logger.removeAppender(appender);
        logger.setLogLevel(level);
        logger.setAdditivity(additive);
        if (status.bad()) {
            associationFailed(server_, status, catcher->reason, purpose);
        }
    }

    T_ASC_PresentationContextID contextFor(const char* sopClass, const std::string& purpose) {
        const T_ASC_PresentationContextID id = findAnyPresentationContextID(sopClass, "");
        if (id == 0) {
            throw Error(server_.calledAet + " accepted no presentation context for " + purpose);
        }
        return id;
    }

    void close() {
        if (isConnected()) {
            releaseAssociation();
        }
    }

    std::function<void(Bytes)> onInstance;
    std::atomic<std::uint64_t>* receivedBytes = nullptr;
    std::size_t received = 0;
    std::string storeError;

    OFCondition handleSTORERequest(const T_ASC_PresentationContextID presID, DcmDataset* incoming,
                                   OFBool& continueSession, Uint16& status) override {
        continueSession = !cancelled_;
        status = STATUS_STORE_Refused_OutOfResources;
        if (incoming == nullptr) {
            return DIMSE_NULLKEY;
        }
        OFString abstractSyntax;
        OFString transferSyntax;
        findPresentationContext(presID, abstractSyntax, transferSyntax);
        try {
            Bytes bytes = encodePart10(incoming, DcmXfer(transferSyntax.c_str()).getXfer());
            if (receivedBytes) {
                *receivedBytes += bytes->size();
            }
            ++received;
            onInstance(std::move(bytes));
            status = STATUS_Success;
        } catch (const std::exception& e) {
            storeError = e.what();
            continueSession = false;
        }
        return EC_Normal;
    }

private:
    const Server& server_;
    std::atomic<bool>& cancelled_;
};

void putKey(DcmDataset& keys, std::uint32_t t, const std::string& value) {
    keys.putAndInsertString(
        DcmTagKey(static_cast<Uint16>(t >> 16), static_cast<Uint16>(t & 0xFFFF)), value.c_str());
}

Record recordOf(DcmDataset& dataset) {
    Record record;
    for (unsigned long i = 0; i < dataset.card(); ++i) {
        DcmElement* element = dataset.getElement(i);
        if (element == nullptr || element->getTag().getEVR() == EVR_SQ) {
            continue;
        }
        const DcmTag& t = element->getTag();
        const std::uint32_t key = (static_cast<std::uint32_t>(t.getGroup()) << 16) | t.getElement();
        Attribute attribute;
        attribute.vr = DcmVR(t.getEVR()).getVRName();
        for (unsigned long k = 0; k < element->getVM() && element->getLength() > 0; ++k) {
            OFString value;
            element->getOFString(value, k);
            attribute.values.push_back(trimmed(value));
        }
        record.attributes[key] = std::move(attribute);
    }
    return record;
}

const char* const kFindModel = UID_FINDStudyRootQueryRetrieveInformationModel;
const char* const kGetModel = UID_GETStudyRootQueryRetrieveInformationModel;
const char* const kMoveModel = UID_MOVEStudyRootQueryRetrieveInformationModel;

OFList<OFString> syntaxList(std::size_t first, std::size_t count) {
    OFList<OFString> list;
    for (std::size_t i = first; i < first + count && i < kSyntaxCount; ++i) {
        list.push_back(kTransferSyntaxes[i]);
    }
    return list;
}

// dcmlens' storage SCP for C-MOVE: accepts every storage SOP class in every syntax of
// kTransferSyntaxes, each syntax in its own preference order position so that the mover's own
// syntax is taken, and hands each instance over as it arrives.
class StoreScp : public DcmSCP {
public:
    StoreScp(const Server& server, std::function<void(Bytes)> onInstance,
             std::atomic<std::uint64_t>* receivedBytes)
        : onInstance_(std::move(onInstance)), receivedBytes_(receivedBytes) {
        prepareNetwork();
        setPort(static_cast<Uint16>(server.storePort));
        setAETitle(server.callingAet.c_str());
        setConnectionBlockingMode(DUL_NOBLOCK);
        setConnectionTimeout(1);  // how often stop() is noticed
        setACSETimeout(static_cast<Uint32>(std::ceil(server.transferTimeout)));
        setDIMSEBlockingMode(DIMSE_NONBLOCKING);
        setDIMSETimeout(static_cast<Uint32>(std::ceil(server.transferTimeout)));
        setMaxReceivePDULength(ASC_MAXIMUMPDUSIZE);
        setHostLookupEnabled(OFFalse);
        const OFList<OFString> all = syntaxList(0, kSyntaxCount);
        addPresentationContext(UID_VerificationSOPClass, all);
        for (int i = 0; i < numberOfDcmAllStorageSOPClassUIDs; ++i) {
            addPresentationContext(dcmAllStorageSOPClassUIDs[i], all);
        }
    }

    void stop() { stop_ = true; }
    std::size_t received() const { return received_; }
    const std::string& error() const { return error_; }

protected:
    OFCondition handleIncomingCommand(T_DIMSE_Message* message,
                                      const DcmPresentationContextInfo& info) override {
        if (message->CommandField != DIMSE_C_STORE_RQ) {
            return DcmSCP::handleIncomingCommand(message, info);
        }
        T_DIMSE_C_StoreRQ& request = message->msg.CStoreRQ;
        DcmDataset* dataset = nullptr;
        OFCondition status = receiveSTORERequest(request, info.presentationContextID, dataset);
        Uint16 result = STATUS_STORE_Refused_OutOfResources;
        if (status.good() && dataset != nullptr) {
            try {
                Bytes bytes =
                    encodePart10(dataset, DcmXfer(info.acceptedTransferSyntax.c_str()).getXfer());
                dataset = nullptr;  // encodePart10 took it
                if (receivedBytes_) {
                    *receivedBytes_ += bytes->size();
                }
                ++received_;
                onInstance_(std::move(bytes));
                result = STATUS_Success;
            } catch (const std::exception& e) {
                error_ = e.what();
            }
        }
        delete dataset;
        if (status.bad()) {
            return status;
        }
        return sendSTOREResponse(info.presentationContextID, request, result);
    }

    OFBool stopAfterConnectionTimeout() override { return stop_.load(); }
    OFBool stopAfterCurrentAssociation() override { return stop_.load(); }

private:
    std::function<void(Bytes)> onInstance_;
    std::atomic<std::uint64_t>* receivedBytes_;
    std::atomic<bool> stop_{false};
    std::atomic<std::size_t> received_{0};
    std::string error_;
};

}  // namespace

DimseClient::DimseClient(Server server) : server_(std::move(server)) {}

void DimseClient::echo() {
    Scu scu(server_, cancelled_);
    scu.addPresentationContext(UID_VerificationSOPClass, syntaxList(0, 2));
    scu.open("Verification (C-ECHO)");
    const OFCondition status = scu.sendECHORequest(0);
    if (status.bad()) {
        requestFailed(server_, status, "C-ECHO");
    }
    scu.close();
}

std::vector<Record> DimseClient::find(const Query& q) {
    Scu scu(server_, cancelled_);
    scu.addPresentationContext(kFindModel, syntaxList(0, 2));
    scu.open("Study Root Query/Retrieve - FIND");
    const T_ASC_PresentationContextID context =
        scu.contextFor(kFindModel, "Study Root Query/Retrieve - FIND");
    DcmDataset keys;
    putKey(keys, tag::QueryRetrieveLevel, levelName(q.level));
    std::set<std::uint32_t> present;
    for (const auto& [t, value] : matchKeys(q)) {
        putKey(keys, t, value);
        present.insert(t);
    }
    std::vector<std::uint32_t> returned = defaultReturnKeys(q.level);
    for (const std::string& field : q.includeFields) {
        returned.push_back(tagOf(field));
    }
    for (std::uint32_t t : returned) {
        if (present.insert(t).second) {
            putKey(keys, t, "");  // universal matching: return the attribute
        }
    }
    OFList<QRResponse*> responses;
    const OFCondition status = scu.sendFINDRequest(context, &keys, &responses);
    std::vector<Record> records;
    std::string failure;
    for (QRResponse* r : responses) {
        if (r->m_dataset != nullptr && DICOM_PENDING_STATUS(r->m_status)) {
            Record record = recordOf(*r->m_dataset);
            record.attributes.erase(tag::QueryRetrieveLevel);
            records.push_back(std::move(record));
        } else if (r->m_status != STATUS_Success && !DICOM_PENDING_STATUS(r->m_status)) {
            failure = statusText(r->m_status);
        }
        delete r;
    }
    if (status.bad()) {
        requestFailed(server_, status, "C-FIND");
    }
    if (!failure.empty()) {
        throw Error(server_.calledAet + " answered the C-FIND with an error: " + failure);
    }
    scu.close();
    applyPaging(records, q.offset, q.limit);
    return records;
}

std::size_t DimseClient::retrieve(const std::string& studyUid, const std::string& seriesUid,
                                  const std::vector<std::string>& sopInstanceUids,
                                  const std::function<void(Bytes)>& onInstance,
                                  std::atomic<std::uint64_t>* receivedBytes) {
    // The SOP classes of the series decide the storage contexts C-GET needs.
    Query q;
    q.level = Query::Level::Instance;
    q.studyUid = studyUid;
    q.seriesUid = seriesUid;
    const std::vector<Record> instances = find(q);
    if (instances.empty()) {
        throw Error(server_.calledAet + " has no instances of series " + seriesUid);
    }
    std::set<std::string> classes;
    for (const Record& r : instances) {
        if (!r.first(tag::SopClassUid).empty()) {
            classes.insert(r.first(tag::SopClassUid));
        }
    }
    const bool move = server_.storePort > 0;
    const char* model = move ? kMoveModel : kGetModel;
    const std::string purpose =
        move ? "Study Root Query/Retrieve - MOVE" : "Study Root Query/Retrieve - GET";

    Scu scu(server_, cancelled_);
    scu.onInstance = onInstance;
    scu.receivedBytes = receivedBytes;
    scu.addPresentationContext(model, syntaxList(0, 2));
    if (!move) {
        // At most 128 contexts (PS3.8 9.3.2.2: odd IDs 1-255): one per syntax and class while
        // they fit, else native syntaxes only for the classes beyond.
        std::size_t left = 127;
        for (const std::string& c : classes) {
            const std::size_t per = left >= kSyntaxCount * classes.size() ? kSyntaxCount : 2;
            for (std::size_t s = 0; s < per && left > 0; ++s, --left) {
                scu.addPresentationContext(c.c_str(), syntaxList(s, 1), ASC_SC_ROLE_SCP);
            }
        }
    }
    scu.open(purpose);
    const T_ASC_PresentationContextID context = scu.contextFor(model, purpose);

    auto keysFor = [&](DcmDataset& keys) {
        putKey(keys, tag::StudyInstanceUid, studyUid);
        putKey(keys, tag::SeriesInstanceUid, seriesUid);
        if (sopInstanceUids.empty()) {
            putKey(keys, tag::QueryRetrieveLevel, "SERIES");
        } else {
            putKey(keys, tag::QueryRetrieveLevel, "IMAGE");
            std::string list;
            for (const std::string& uid : sopInstanceUids) {
                list += (list.empty() ? "" : "\\") + uid;  // list of UID matching (C.2.2.2.2)
            }
            putKey(keys, tag::SopInstanceUid, list);
        }
    };
    DcmDataset keys;
    keysFor(keys);
    OFList<RetrieveResponse*> responses;
    OFCondition status;
    std::size_t received = 0;
    std::string scpError;
    if (move) {
        std::mutex deliver;
        StoreScp scp(
            server_,
            [&](Bytes b) {
                std::lock_guard<std::mutex> lock(deliver);
                onInstance(std::move(b));
            },
            receivedBytes);
        OFCondition listening = scp.openListenPort();
        if (listening.bad()) {
            throw Error("cannot listen on store port " + std::to_string(server_.storePort) +
                        " for C-MOVE: " + listening.text());
        }
        std::thread listener([&] { scp.acceptAssociations(); });
        status = scu.sendMOVERequest(context, server_.callingAet.c_str(), &keys, &responses);
        // The final response comes after the last sub-operation; its association may still be
        // closing: wait until the SCP has every instance the server says it sent.
        std::size_t completed = 0;
        for (RetrieveResponse* r : responses) {
            completed = std::max<std::size_t>(completed, r->m_numberOfCompletedSubops);
        }
        const auto deadline =
            std::chrono::steady_clock::now() +
            std::chrono::milliseconds(static_cast<long>(server_.transferTimeout * 1000));
        while (scp.received() < completed && std::chrono::steady_clock::now() < deadline &&
               !cancelled_) {
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
        scp.stop();
        listener.join();
        received = scp.received();
        scpError = scp.error();
    } else {
        status = scu.sendCGETRequest(context, &keys, &responses);
        received = scu.received;
        scpError = scu.storeError;
    }
    Uint16 finalStatus = STATUS_Success;
    std::size_t failed = 0;
    for (RetrieveResponse* r : responses) {
        if (!DICOM_PENDING_STATUS(r->m_status)) {
            finalStatus = r->m_status;
            failed = r->m_numberOfFailedSubops;
        }
        delete r;
    }
    if (cancelled_) {
        throw Error("cancelled");
    }
    if (!scpError.empty()) {
        throw Error(scpError);
    }
    if (status.bad()) {
        requestFailed(server_, status, move ? "C-MOVE" : "C-GET");
    }
    if (move && finalStatus == 0xA801) {
        throw Error("C-MOVE destination unknown: " + server_.calledAet +
                    " does not know AE title " + server_.callingAet +
                    " (register it there with this host and port " +
                    std::to_string(server_.storePort) + ")");
    }
    if (finalStatus != STATUS_Success && !(finalStatus == 0xB000 && received > 0)) {
        throw Error(server_.calledAet + " answered the " + (move ? "C-MOVE" : "C-GET") +
                    " with an error: " + statusText(finalStatus));
    }
    if (failed > 0) {
        throw Error(std::to_string(failed) + " instances of series " + seriesUid + " failed to " +
                    "arrive (" + server_.calledAet + " could not send them: no presentation " +
                    "context accepted for their SOP class or transfer syntax?)");
    }
    scu.close();
    return received;
}

}  // namespace dcmlens::net
