#include "unit.h"
Suite *geo_suite(void)
{
	return suite_create("geo");
}
