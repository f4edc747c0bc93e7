// For the tests of routing topics only (agent_stix_test's topics_test.cc
// and agent_link_test's compose_test.cc): a document that implies topics.
#pragma once

namespace certshare::agent::test {

// A bundle as `certshare new incident --rsit intrusions/system-compromise
// --sector energy --country ee` makes it, trimmed to what matters.
inline constexpr char kIncidentBundle[] = R"({"type":"bundle","id":"bundle--7f4e4d3c-1a2b-4c5d-8e9f-0a1b2c3d4e5f","objects":[
  {"type":"incident","spec_version":"2.1","id":"incident--2a9d8c4e-6b1f-4e3a-9c7d-5f8e2b1a0c3d",
   "created":"2026-11-27T10:00:00.000Z","modified":"2026-11-27T10:00:00.000Z","name":"x",
   "labels":["rsit:intrusions=\"system-compromise\"","RSIT:Fraud/phishing","other","rsit:"]},
  {"type":"identity","spec_version":"2.1","id":"identity--5e3c4b2a-1d0f-5e9a-8b7c-6d5e4f3a2b1c",
   "created":"2026-11-27T10:00:00.000Z","modified":"2026-11-27T10:00:00.000Z","name":"energy",
   "identity_class":"class","sectors":["energy","utilities"]},
  {"type":"identity","spec_version":"2.1","id":"identity--9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d",
   "created":"2026-11-27T10:00:00.000Z","modified":"2026-11-27T10:00:00.000Z","name":"CERT-EE",
   "identity_class":"organization","sectors":["government-national"]},
  {"type":"location","spec_version":"2.1","id":"location--1b2c3d4e-5f6a-5b7c-8d9e-0f1a2b3c4d5e",
   "created":"2026-11-27T10:00:00.000Z","modified":"2026-11-27T10:00:00.000Z","country":"ee"}]})";

}  // namespace certshare::agent::test
