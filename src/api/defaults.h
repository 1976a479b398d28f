#pragma once
// Defaults that depend on other fields (the fixed ones are the member initialisers of types.h). parse*() applies
// them; they are public so that code building CRs in C++ (tests, controllers) gets the same objects.

#include "api/types.h"

namespace flotilla::api {

// replicas = 1 when neither replicas nor autoscaling is set; ports[].targetPort = ports[].port.
void applyDefaults(Microservice& microservice);
// A rule without matches gets one PathPrefix "/" match; a match without path gets PathPrefix "/".
void applyDefaults(Route& route);
// Nothing beyond types.h today; kept so every kind has the same entry point.
void applyDefaults(BreakerPolicy& policy);
// replicas = 1 when neither replicas nor autoscaling is set.
void applyDefaults(Gateway& gateway);

}  // namespace flotilla::api
