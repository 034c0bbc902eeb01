/* models placeholder: replaced by the scenario layer */
#include "asgsim/util.h"
